"""The public chat channels, refusing hostile input before it reaches Rasa.

credentials.yml names the channel classes by module path
(``bot.channels.rest.SafeRestInput:``). Their ``name()`` stays "rest" / "socketio": Rasa mounts
a channel at ``/webhooks/<name>/``, so ``/webhooks/rest/webhook`` is unchanged for the web
widget, and the name is the ``input_channel`` stored with each message.

- ``checks``: what every channel refuses or trims, and the reply to a too long message;
- ``rest``: the REST webhook;
- ``socket_io``: the socket.io channel.
"""
