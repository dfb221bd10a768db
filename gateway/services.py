"""What the gateway's routes need, made once in the lifespan (never at import)."""

from dataclasses import dataclass

import httpx
from redis.asyncio import Redis

from gateway.conversations import ConversationStore
from gateway.handoff.accounts import StaffAccounts
from gateway.handoff.service import HandoffService
from gateway.language import LanguageChooser
from gateway.relay import RasaRelay
from gateway.safety_net import SafetyNet
from gateway.settings import GatewaySettings


@dataclass(frozen=True)
class GatewayServices:
    settings: GatewaySettings
    redis: Redis
    http: httpx.AsyncClient
    conversations: ConversationStore
    relay: RasaRelay
    languages: LanguageChooser
    handoff: HandoffService
    staff_accounts: StaffAccounts
    safety_net: SafetyNet
