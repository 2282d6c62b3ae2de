"""How talking to Google can go wrong, in terms sync decides on."""

from domain.errors import Conflict, PermissionDenied


class GoogleError(Exception):
    """Google refused or failed a call; the message never carries tokens."""


class GoogleUnavailable(GoogleError):
    """Rate limited (403/429) or a server error (5xx): worth retrying with backoff."""

    def __init__(self, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
        """How long Google asked to wait (its Retry-After header), when it said."""


class PushNotSupported(GoogleError):
    """Google will not watch this calendar (pushNotSupportedForRequestedResource): it is to be polled."""


class CalendarGone(GoogleError):
    """404 Not Found: the calendar (or channel) no longer exists at Google, or the person lost access to it."""


class SyncTokenExpired(GoogleError):
    """410 Gone: the sync token is no longer valid; drop the mirror and sync in full."""


class GrantRevoked(GoogleError):
    """The refresh token was refused: the person revoked access or it expired."""


class PushRejected(PermissionDenied):
    """A push notification names no channel of ours, or carries the wrong token."""

    code = "push_rejected"
    title = "Push notification rejected"

    def __init__(self) -> None:
        super().__init__("unknown channel or wrong channel token")


class ConnectRefused(PermissionDenied):
    """The OAuth callback's state was not issued to the signed-in person (or expired)."""

    code = "oauth_state_invalid"
    title = "OAuth state refused"


class NotConnected(Conflict):
    """The person has no working Google connection."""

    code = "google_not_connected"
    title = "Google Calendar not connected"


class WriteAccessNeeded(Conflict):
    """The person's grant lets planner read their Google Calendar, not write to it."""

    code = "google_write_access_needed"
    title = "Google Calendar write access needed"
