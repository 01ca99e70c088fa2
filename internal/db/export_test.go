package db

import "context"

// HoldMigrationLock takes db's migration lock as a migrating node would,
// until release is called.
func (db *DB) HoldMigrationLock(ctx context.Context) (release func(), err error) {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if db.Engine == Postgres {
		if _, err := conn.ExecContext(ctx, migrationLock); err != nil {
			conn.Close()
			return nil, err
		}
	}
	return func() {
		conn.ExecContext(context.Background(), migrationUnlock)
		conn.Close()
	}, nil
}
