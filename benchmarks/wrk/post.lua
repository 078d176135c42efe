-- POST a short JSON body (scenario 1: the hash API; the baseline answers the same request).
wrk.method = "POST"
wrk.body = '{"input": "abc", "algorithms": ["sha256"]}'
wrk.headers["Content-Type"] = "application/json"
