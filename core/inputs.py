"""The input a service reads after its policy checks: a request body, or keyword arguments.

A service answers in one order whoever calls it: the object it acts on, or 404 (nothing is
revealed of what the user may not see); then the policy, or 403; then the input, or 400; then
the object's state, or 409, and the rules its values must follow, or 400. A caller that cannot
act learns nothing from a malformed body, and a body is never judged for someone who may not
send it.

The order holds because the service reads its input itself, once its checks have passed. Code
(pages, commands, the demo, tests) hands the values in as keyword arguments; the API hands a
``Reader`` instead: a function that parses and validates the request body when called
(``PolicyAPIView.body``), raising its 400. The policy is then asked once, by the service,
with the service's own (translated) message.

    @transaction.atomic
    def note_add(*, user, proposal_id, body: Reader | None = None, **given) -> Note:
        proposal = _proposal_for(user, proposal_id)                       # 404
        require(can_write_note(user, proposal), _("Only members, …"))       # 403
        return _note_write(user=user, proposal=proposal, **read(body, given))  # 400, 409
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# Parses the input when called: its fields by the service's keyword names, or an error (400).
Reader = Callable[[], Mapping[str, Any]]


def read(body: Reader | None, given: Mapping[str, Any]) -> dict[str, Any]:
    """The service's input: what ``body`` reads when there is one, else the keywords given."""
    if body is None:
        return dict(given)
    if given:
        names = ", ".join(sorted(given))
        raise TypeError(f"Pass the input as a body or as keywords, not both (got {names}).")
    return dict(body())
