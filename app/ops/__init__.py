"""Operations on a whole database: backups and restores."""
