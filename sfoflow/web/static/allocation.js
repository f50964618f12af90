// The allocation page, as reviews are ticked and inspectors chosen: each inspector's spare
// capacity in every list counts the picks already made on the page, and a summary (read out by
// screen readers as it changes) says who would get what and who would go over capacity. The page
// works without it: the server counts the same picks and asks for a reason when one goes over.
(function () {
  const form = document.getElementById("allocations")
  const summary = document.getElementById("allocation-summary")
  if (!form || !summary) return

  const rows = Array.from(form.querySelectorAll("tbody tr"))
  const people = new Map()  // inspector id -> { name, spare } as the page was drawn
  document.querySelectorAll("#allocation-people [data-id]").forEach(function (person) {
    people.set(person.dataset.id, { name: person.dataset.name, spare: Number(person.dataset.spare) })
  })

  function picked (row) {
    const box = row.querySelector("input[name=review]")
    const choice = row.querySelector("select")
    return box && box.checked && choice && choice.value ? choice.value : null
  }

  function plural (n, one, many) { return n + " " + (n === 1 ? one : many) }

  function update () {
    const picks = new Map()
    rows.forEach(function (row) {
      const who = picked(row)
      if (who) picks.set(who, (picks.get(who) || 0) + 1)
    })
    rows.forEach(function (row) {
      const mine = picked(row)
      row.querySelectorAll("option").forEach(function (option) {
        const person = people.get(option.value)
        if (!person) return
        // this row's own pick is not "taken" from the choice it shows
        const taken = (picks.get(option.value) || 0) - (mine === option.value ? 1 : 0)
        const spare = person.spare - taken
        option.textContent = person.name + (spare < 0 ? " (" + -spare + " over capacity)" : " (" + spare + " spare)")
      })
    })
    const lines = []
    picks.forEach(function (count, who) {
      const person = people.get(who)
      if (!person) return
      let line = person.name + ": " + plural(count, "review", "reviews") + " ticked, " + person.spare + " spare"
      if (count > person.spare) line += " (" + (count - person.spare) + " over capacity: you will be asked for a reason)"
      lines.push(line)
    })
    summary.replaceChildren()
    if (!lines.length) { summary.hidden = true; return }
    const heading = document.createElement("p")
    heading.className = "govuk-body govuk-!-margin-bottom-1"
    heading.textContent = "If you allocate the ticked reviews:"
    const list = document.createElement("ul")
    list.className = "govuk-list govuk-list--bullet govuk-!-margin-bottom-0"
    lines.forEach(function (text) {
      const item = document.createElement("li")
      item.textContent = text
      list.appendChild(item)
    })
    summary.append(heading, list)
    summary.hidden = false
  }

  form.addEventListener("change", update)
  update()
})()
