// Every page: start GOV.UK Frontend's components (was an inline script; the CSP allows none).
import { initAll } from "./govuk/govuk-frontend.min.js"

initAll()
