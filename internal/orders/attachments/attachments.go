// Package attachments holds the files attached to an order's deliveries
// and messages: what may be attached (Check) and where they are kept
// (Save). The order's page reads them with its timeline (orders.Events),
// and each side downloads them (orders.Service.File).
package attachments

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"atelier/internal/db"
	"atelier/internal/errs"
)

// File is an attachment to a delivery or a message.
type File struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Data        []byte `json:"-"`
}

// Limits of attachments.
const (
	MaxFileSize = 20 << 20 // 20 MiB a file
	MaxFiles    = 10       // a delivery, a message
)

// allowedTypes are the file types a delivery may carry: documents, images,
// audio, video and archives; no executables.
var allowedTypes = map[string]bool{
	"application/pdf": true, "application/zip": true, "text/plain": true, "text/csv": true, "application/json": true,
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true, "image/svg+xml": true,
	"audio/mpeg": true, "audio/wav": true, "video/mp4": true, "video/quicktime": true,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   true,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         true,
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": true,
	"application/octet-stream": false,
}

// Types are the content types a file may have, sorted: what a download
// sends back.
func Types() []string {
	var list []string
	for t, ok := range allowedTypes {
		if ok {
			list = append(list, t)
		}
	}
	slices.Sort(list)
	return list
}

// Check refuses attachments that are too many, too large, empty, badly
// named or of a type a delivery may not carry.
func Check(files []File) error {
	if len(files) > MaxFiles {
		return errs.Invalid("files", "too_many").With("max", MaxFiles)
	}
	for _, f := range files {
		if strings.TrimSpace(f.Name) == "" || utf8.RuneCountInString(f.Name) > 200 || strings.ContainsAny(f.Name, "/\\\x00") {
			return errs.Invalid("files", "file_name_invalid")
		}
		if f.Size != int64(len(f.Data)) || f.Size == 0 {
			return errs.Invalid("files", "file_empty")
		}
		if f.Size > MaxFileSize {
			return errs.Invalid("files", "file_too_large").With("max", "20 MB")
		}
		ct, _, _ := strings.Cut(f.ContentType, ";")
		if !allowedTypes[strings.TrimSpace(ct)] {
			return errs.Invalid("files", "file_type_not_allowed")
		}
	}
	return nil
}

// Save stores attachments with the order's timeline event they came with.
func Save(ctx context.Context, tx *db.Tx, orderID, eventID string, files []File) error {
	for _, f := range files {
		if _, err := tx.Exec(ctx, `INSERT INTO order_files (id, order_id, event_id, name, content_type, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			db.NewID("ofl"), orderID, eventID, f.Name, f.ContentType, f.Size, f.Data, db.Micros(tx.Now)); err != nil {
			return err
		}
	}
	return nil
}
