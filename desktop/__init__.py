"""JMC Console (聯合管理中心監控台)."""

__version__ = "0.1.0"
