"""Notifications: the formats of the group robots (企业微信, 钉钉, 飞书) and their signatures
(``robots``), the checked HTTP delivery of a webhook (``webhook``), and the outbox delivery with
retries that the background worker runs (``outbox``). No Django: the web layer keeps the tables."""
