"""Notifications: the bell and its page, per-user preferences, and the outbox that the background
worker sends by e-mail and to group robots (企业微信, 钉钉, 飞书)."""
