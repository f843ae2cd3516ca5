"""Amazon authorization lifecycle: OAuth connect and re-authorize, expiry and revocation states, the connection
test, App Problems and e-mail warnings, and the operator's LWA client-secret expiry."""
