"""Beheer: the register's own affairs (settings, keys and backups, exchange, audit,
retention), one tab each. Every tab is a module of this package listed in
``page.TABS``; a tab gets the session and the shared background reader."""
