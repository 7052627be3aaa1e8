"""The dummy plugin's websocket consumer: greets the signed-in person and echoes text."""

from channels.generic.websocket import JsonWebsocketConsumer


class EchoConsumer(JsonWebsocketConsumer):
    def connect(self) -> None:
        user = self.scope["user"]
        if not user.is_authenticated:
            self.close(code=4401)
            return
        self.accept()
        self.send_json({"hello": user.username})

    def receive_json(self, content, **kwargs) -> None:
        self.send_json({"echo": content})
