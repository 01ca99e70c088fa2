package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ErrBackupPostgres says a PostgreSQL database is backed up with its own
// tools (docs/operations.md).
var ErrBackupPostgres = errors.New("on PostgreSQL, back up with pg_dump and restore with pg_restore (see docs/operations.md)")

// Backup writes a consistent copy of a live SQLite database to path (which
// must not exist): VACUUM INTO reads one snapshot of the database while the
// server goes on reading and writing, and writes it compacted.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.Engine != SQLite {
		return ErrBackupPostgres
	}
	// VACUUM INTO writes into an empty file: create it readable by its
	// owner only (O_EXCL: an existing file is never overwritten).
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("backup: %s exists already", path)
	}
	if err != nil {
		return err
	}
	f.Close()
	if _, err := db.sql.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// Restore puts a backup in place as the SQLite database of dataDir. The
// server must be stopped. A backup that is not an Atelier database is
// refused; so is replacing an existing database, unless replace is set.
func Restore(ctx context.Context, from, dataDir string, replace bool) error {
	if err := checkBackup(ctx, from); err != nil {
		return err
	}
	if dataDir == "" {
		dataDir = "atelier-data"
	}
	target := filepath.Join(dataDir, "atelier.db")
	if _, err := os.Stat(target); err == nil && !replace {
		return fmt.Errorf("restore: %s exists; stop the server, and add --force to replace it", target)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	tmp := target + ".restoring"
	if err := copyFile(from, tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	// The old database's write-ahead log belongs to it, not to the backup.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return os.Rename(tmp, target)
}

// checkBackup opens a backup read-only and finds Atelier's schema in it.
func checkBackup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	sdb, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer sdb.Close()
	var n int
	if err := sdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil || n == 0 {
		return fmt.Errorf("restore: %s is not an Atelier database backup", path)
	}
	var ok string
	if err := sdb.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&ok); err != nil || ok != "ok" {
		return fmt.Errorf("restore: %s is damaged (%s %v)", path, ok, err)
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
