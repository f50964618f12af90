from flask_wtf.csrf import CSRFProtect

# Every form POST in the web interface carries a token; the API (bearer tokens only) is exempt.
csrf = CSRFProtect()
