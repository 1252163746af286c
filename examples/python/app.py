"""An AppSync Events Lambda handler in Python, structured like a Powertools AppSyncEventsResolver app.

With Powertools for AWS Lambda (Python) installed (`pip install aws-lambda-powertools` next to
this file or in the interpreter Switchboard runs), replace the import below with:

    from aws_lambda_powertools.event_handler import AppSyncEventsResolver
    from aws_lambda_powertools.event_handler.events_appsync.exceptions import UnauthorizedException

and the rest of this file runs unchanged, on Switchboard and on AWS Lambda.
"""
from appsync_events import AppSyncEventsResolver, UnauthorizedException

app = AppSyncEventsResolver()


@app.on_publish("/pychat/*")
def moderate(payload):
    """Per item: trims the text; an event without text fails alone."""
    text = payload.get("text") if isinstance(payload, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text must be a non-empty string")
    return {**payload, "text": text.strip()}


@app.on_publish("/pychat/batch/*", aggregate=True)
def number(events):
    """Aggregate: sees the whole publish, numbers its events and drops drafts."""
    print("batch of %d events to %s" % (len(events), app.current_event.info.channel_path))
    kept = [e for e in events if not (isinstance(e["payload"], dict) and e["payload"].get("draft"))]
    return [{"id": e["id"], "payload": {"seq": i + 1, "value": e["payload"]}} for i, e in enumerate(kept)]


@app.on_subscribe("/pychat/private/*")
def private():
    """/pychat/private/<user> is for <user> only (the user from the Lambda authorizer)."""
    owner = app.current_event.info.channel_segments[2] if len(app.current_event.info.channel_segments) > 2 else None
    identity = app.current_event.identity or {}
    user = (identity.get("handlerContext") or {}).get("user")
    if user is None or user != owner:
        raise UnauthorizedException("private channels are for their owner only")


def handler(event, context):
    return app.resolve(event, context)
