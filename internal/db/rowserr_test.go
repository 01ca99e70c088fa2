package db_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// Every loop over query rows checks rows.Err() after it, in the same block:
// a query that fails midway (a lost connection, a cancelled context) ends
// Next early, and the loop's caller must not take the rows read so far for
// all of them.
func TestEveryRowsLoopChecksErr(t *testing.T) {
	fset := token.NewFileSet()
	for _, root := range []string{"../../internal", "../../cmd", "../../bench"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				block, ok := n.(*ast.BlockStmt)
				if !ok {
					return true
				}
				for i, st := range block.List {
					loop, ok := st.(*ast.ForStmt)
					if !ok {
						continue
					}
					v := receiverOf(loop.Cond, "Next")
					if v == "" || checksErr(block.List[i+1:], v) {
						continue
					}
					t.Errorf("%s: the loop over %s.Next() is not followed by %s.Err()", fset.Position(loop.Pos()), v, v)
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// receiverOf is x when e is a call x.method().
func receiverOf(e ast.Expr, method string) string {
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) != 0 {
		return ""
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != method {
		return ""
	}
	if id, ok := sel.X.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// checksErr says whether v.Err() is called in the statements.
func checksErr(list []ast.Stmt, v string) bool {
	found := false
	for _, st := range list {
		ast.Inspect(st, func(n ast.Node) bool {
			if e, ok := n.(ast.Expr); ok && receiverOf(e, "Err") == v {
				found = true
			}
			return !found
		})
	}
	return found
}
