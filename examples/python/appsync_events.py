"""A small, standard-library stand-in for Powertools' AppSyncEventsResolver.

It keeps the same shape as `aws_lambda_powertools.event_handler.AppSyncEventsResolver`, so an app
written against it moves to the real Powertools by changing two imports (see app.py):

- `@app.on_publish(path)` runs once per event with its payload; what it returns is the new
  payload; an exception fails that event only (`{"id", "error": "<Type> - <message>"}`).
- `@app.on_publish(path, aggregate=True)` runs once with the list of events (`{"id", "payload"}`)
  and returns the list to broadcast; an exception fails the whole publish.
- `@app.on_subscribe(path)` runs with no arguments; returning allows, raising refuses.
- `UnauthorizedException` is never turned into an error entry: it fails the invocation, which
  AppSync (and Switchboard) answer with an UnauthorizedException (403) for the client.
- Paths are `/namespace/a/b` or end in `/*`; the most specific route wins.
- `app.current_event` is the event being handled (`info.channel_path`, `request_headers`, ...).
"""


class UnauthorizedException(Exception):
    """Refuses the publish or subscribe as unauthorized."""


class _Info:
    def __init__(self, info):
        self.channel_path = info["channel"]["path"]
        self.channel_segments = info["channel"]["segments"]
        self.channel_namespace = info["channelNamespace"]["name"]
        self.operation = info["operation"]


class AppSyncEventsEvent:
    """The AppSync Events Lambda event, with the accessors apps use most."""

    def __init__(self, raw_event):
        self.raw_event = raw_event
        self.info = _Info(raw_event["info"])
        self.identity = raw_event.get("identity")
        self.request_headers = (raw_event.get("request") or {}).get("headers") or {}
        self.events = raw_event.get("events") or []


class AppSyncEventsResolver:
    def __init__(self):
        self._publish = {}
        self._subscribe = {}
        self.current_event = None
        self.context = {}
        self.lambda_context = None

    def on_publish(self, path, aggregate=False):
        def register(fn):
            self._publish[path] = (fn, aggregate)
            return fn
        return register

    def on_subscribe(self, path):
        def register(fn):
            self._subscribe[path] = fn
            return fn
        return register

    def resolve(self, event, context):
        self.current_event = AppSyncEventsEvent(event)
        self.lambda_context = context
        channel = self.current_event.info.channel_path
        if self.current_event.info.operation == "SUBSCRIBE":
            route = _match(self._subscribe, channel)
            if route is None:
                return None
            try:
                route()
            except UnauthorizedException:
                raise
            except Exception as exc:  # noqa: BLE001 - any other failure refuses with its message
                return {"error": _describe(exc)}
            return None
        route = _match(self._publish, channel)
        if route is None:
            return {"events": [{"id": e["id"], "payload": e["payload"]} for e in self.current_event.events]}
        fn, aggregate = route
        if aggregate:
            try:
                return {"events": fn(self.current_event.events)}
            except UnauthorizedException:
                raise
            except Exception as exc:  # noqa: BLE001
                return {"error": _describe(exc)}
        out = []
        for item in self.current_event.events:
            try:
                out.append({"id": item["id"], "payload": fn(item["payload"])})
            except UnauthorizedException:
                raise
            except Exception as exc:  # noqa: BLE001 - a failure fails this event only
                out.append({"id": item["id"], "error": _describe(exc)})
        return {"events": out}


def _match(routes, channel):
    if channel in routes:
        return routes[channel]
    segments = channel.split("/")
    for length in range(len(segments) - 1, 1, -1):
        pattern = "/".join(segments[:length]) + "/*"
        if pattern in routes:
            return routes[pattern]
    return None


def _describe(exc):
    return "%s - %s" % (type(exc).__name__, exc)
