"""The comparison project's own app: its trivial view and the seed command."""

from django.apps import AppConfig


class PeerSiteConfig(AppConfig):
    name = "peer_site"
