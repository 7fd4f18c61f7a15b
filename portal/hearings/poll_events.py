"""Socket.IO events of live polls on the ``/hearings`` namespace (``install`` adds them to its class).

Client → server: ``poll_sync`` {hearing_id, device?} (the hearing's polls, results as allowed, the client's
answers), ``poll_answer`` {poll_id, choices: [option ids], client_id, device?} (``device``: the signed token of a
browser without an account, ``GET /hearings/device-token``), ``poll_create`` {hearing_id, question, options (one per
line), multiple, allow_anonymous, open, client_id} and ``poll_action`` {poll_id, action: open | show | hide | close}
(hosts). Server → client: ``poll`` (public view, public room), ``poll_host`` (the host's view with results,
moderators' room), ``poll_results`` (coalesced totals: moderators' room while hidden, public room once shown).
Every ack is ``{ok: true, …}`` or ``{ok: false, error: {code, message}}``.
"""

from __future__ import annotations

from portal.hearings import polls, services
from portal.sockets import Choice, Flag, Id, Ids, Text, Token


def install(cls: type) -> None:
    """Add the poll handlers to the hearings namespace class (built with its ``_handler`` and account helpers)."""
    from portal.hearings.events import HEARING, _account_now, _handler, _user

    @_handler(**HEARING, device=Text(200))
    def on_poll_sync(self, sid, data):
        hearing = services.get_hearing(data["hearing_id"])
        user = _user(sid)
        account = _account_now(sid) if user is not None else None
        return polls.state_for(hearing, account, None if user is not None else polls.device_from_token(data["device"]))

    @_handler(poll_id=Id(), choices=Ids(polls.MAX_POLL_OPTIONS), client_id=Token(), device=Text(200))
    def on_poll_answer(self, sid, data):
        user = _user(sid)
        device = None if user is not None else polls.device_from_token(data["device"])
        result = polls.queue_answer(user, device, data["poll_id"], data["choices"], data["client_id"])
        return {"ok": True, **result}

    @_handler(
        hearing_id=Id(),
        question=Text(polls.MAX_QUESTION, required=True),
        options=Text(2000, required=True),
        multiple=Flag(),
        allow_anonymous=Flag(),
        open=Flag(),
        client_id=Token(),
    )
    def on_poll_create(self, sid, data):
        hearing = services.get_hearing(data["hearing_id"])
        poll = polls.create_poll(
            _account_now(sid),
            hearing,
            data["question"],
            data["options"],
            multiple=data["multiple"],
            allow_anonymous=data["allow_anonymous"],
            client_id=data["client_id"],
            open_now=data["open"],
        )
        return {"ok": True, "poll": polls.payload(poll, host=True)}

    @_handler(poll_id=Id(), action=Choice(polls.POLL_ACTIONS))
    def on_poll_action(self, sid, data):
        poll = polls.act(_account_now(sid), data["poll_id"], data["action"])
        return {"ok": True, "poll": polls.payload(poll, host=True)}

    for handler in (on_poll_sync, on_poll_answer, on_poll_create, on_poll_action):
        setattr(cls, handler.__name__, handler)
