package db

import (
	"context"
	"fmt"
	"strconv"
)

// CopyTo copies every row of a SQLite database into an empty PostgreSQL
// one (both migrated to the same version; the target's seeded rows are
// replaced by the source's), in one transaction on the target: all or
// nothing. Tables go in the order they were created, which
// is an order their foreign keys allow; columns are those both have
// (SQLite's services.seq stays behind); SQLite's 0/1 booleans become
// booleans; PostgreSQL's own search table fills itself by its trigger. It
// returns the rows copied per table.
func (db *DB) CopyTo(ctx context.Context, to *DB) (map[string]int, error) {
	if db.Engine != SQLite || to.Engine != Postgres {
		return nil, fmt.Errorf("copy: from SQLite to PostgreSQL only")
	}
	from, err := db.appliedMigrations(ctx)
	if err != nil {
		return nil, err
	}
	target, err := to.appliedMigrations(ctx)
	if err != nil {
		return nil, err
	}
	if from != target {
		return nil, fmt.Errorf("copy: the databases are not at the same schema version (%s / %s)", from, target)
	}
	tables, err := Strings(ctx, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
		AND name NOT LIKE 'services_fts%' AND name <> 'schema_migrations' ORDER BY rowid`)
	if err != nil {
		return nil, err
	}
	for _, t := range []string{"users", "accounts", "services", "orders"} {
		var n int
		if err := to.QueryRow(ctx, `SELECT COUNT(*) FROM `+t).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, fmt.Errorf("copy: the target database is not empty (%d rows in %s)", n, t)
		}
	}
	copied := map[string]int{}
	err = to.InTx(ctx, func(tx *Tx) error {
		// The rows migrations seeded (counters, the platform's settings)
		// come from the source like the rest.
		for i := len(tables) - 1; i >= 0; i-- {
			if _, err := tx.Exec(ctx, `DELETE FROM `+tables[i]); err != nil {
				return err
			}
		}
		for _, t := range tables {
			n, err := db.copyTable(ctx, tx, t)
			if err != nil {
				return err
			}
			copied[t] = n
		}
		return nil
	})
	return copied, err
}

// appliedMigrations is a database's latest migration (each engine may
// have migrations of its own below it).
func (db *DB) appliedMigrations(ctx context.Context) (string, error) {
	var v int
	err := db.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return strconv.Itoa(v), err
}

// copyTable copies one table's rows, in chunks.
func (db *DB) copyTable(ctx context.Context, tx *Tx, table string) (int, error) {
	rows, err := tx.Query(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = ?`, table)
	if err != nil {
		return 0, err
	}
	types := map[string]string{}
	for rows.Next() {
		var c, t string
		if err := rows.Scan(&c, &t); err != nil {
			rows.Close()
			return 0, err
		}
		types[c] = t
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(types) == 0 {
		return 0, fmt.Errorf("copy: table %s is missing on PostgreSQL", table)
	}
	src, err := db.Query(ctx, `SELECT * FROM `+table+` ORDER BY rowid`)
	if err != nil {
		return 0, err
	}
	defer src.Close()
	names, err := src.Columns()
	if err != nil {
		return 0, err
	}
	var cols []string
	var keep []int
	for i, c := range names {
		if _, ok := types[c]; ok {
			cols, keep = append(cols, c), append(keep, i)
		}
	}
	total := 0
	var batch [][]any
	flush := func() error {
		err := tx.InsertMany(ctx, table, cols, batch)
		total += len(batch)
		batch = batch[:0]
		return err
	}
	for src.Next() {
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := src.Scan(ptrs...); err != nil {
			return 0, err
		}
		row := make([]any, len(keep))
		for j, i := range keep {
			v := vals[i]
			if types[names[i]] == "boolean" {
				if n, ok := v.(int64); ok {
					v = n != 0
				}
			}
			row[j] = v
		}
		if batch = append(batch, row); len(batch) == 500 {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := src.Err(); err != nil {
		return 0, err
	}
	if len(batch) > 0 {
		if err := flush(); err != nil {
			return 0, err
		}
	}
	return total, nil
}
