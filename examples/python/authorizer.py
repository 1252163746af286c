"""A Lambda authorizer for AppSync Events in Python: tokens `allow-<user>` are accepted."""


def handler(event, context):
    token = event["authorizationToken"]
    if not token.startswith("allow-"):
        return {"isAuthorized": False}
    return {"isAuthorized": True, "handlerContext": {"user": token[len("allow-"):]}, "ttlOverride": 60}
