package ergonomics

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"poolbench/compare/results"
	"poolbench/pools"
)

// goFile is one parsed source file with the text it was parsed from.
type goFile struct {
	name string
	src  []byte
	fset *token.FileSet
	ast  *ast.File
}

// parseGo parses the file name of fsys, keeping comments.
func parseGo(fsys fs.FS, name string) (*goFile, error) {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	return &goFile{name: name, src: src, fset: fset, ast: f}, nil
}

// text returns the source between from and to.
func (f *goFile) text(from, to token.Pos) string {
	return string(f.src[f.offset(from):f.offset(to)])
}

func (f *goFile) offset(p token.Pos) int { return f.fset.Position(p).Offset }

// size measures the code between from and to, and the error checks of n, which spans it.
func (f *goFile) size(from, to token.Pos, n ast.Node) results.Size {
	s := measure(f.src[f.offset(from):f.offset(to)])
	ast.Inspect(n, func(n ast.Node) bool {
		is, ok := n.(*ast.IfStmt)
		if !ok || !isErrCheck(is) {
			return true
		}
		lines, tokens := f.checkSize(is)
		s.ErrChecks++
		s.ErrCheckLines += lines
		s.ErrCheckTokens += tokens
		return true
	})
	return s
}

// errCheckRule says what isErrCheck accepts; the run writes it into results.json.
const errCheckRule = "An error check is an `if` statement with no `else` whose condition is `err != nil` and " +
	"whose body is one statement that panics with the error or returns it (`if err != nil { panic(err) }`, " +
	"`if err := p.Submit(f); err != nil { return nil, err }`). It takes its own tokens and the lines that hold " +
	"nothing else: the call in its init statement stays counted as code. Recording an error (`once.Do(...)`) " +
	"is the job's own logic and is not a check."

// isErrCheck reports whether s is an error check, as errCheckRule says.
func isErrCheck(s *ast.IfStmt) bool {
	cond, ok := s.Cond.(*ast.BinaryExpr)
	if !ok || cond.Op != token.NEQ || s.Else != nil || len(s.Body.List) != 1 {
		return false
	}
	if x, ok := cond.X.(*ast.Ident); !ok || x.Name != "err" {
		return false
	}
	if y, ok := cond.Y.(*ast.Ident); !ok || y.Name != "nil" {
		return false
	}
	isErr := func(e ast.Expr) bool { id, ok := e.(*ast.Ident); return ok && id.Name == "err" }
	switch st := s.Body.List[0].(type) {
	case *ast.ExprStmt:
		call, ok := st.X.(*ast.CallExpr)
		fn, isIdent := call.Fun.(*ast.Ident)
		return ok && isIdent && fn.Name == "panic" && len(call.Args) == 1 && isErr(call.Args[0])
	case *ast.ReturnStmt:
		return len(st.Results) > 0 && isErr(st.Results[len(st.Results)-1])
	}
	return false
}

// checkSize measures the error check s: its tokens but those of its init statement, and the
// lines that hold only those.
func (f *goFile) checkSize(s *ast.IfStmt) (lines, tokens int) {
	start := f.offset(s.Pos())
	initFrom, initTo := -1, -1
	if s.Init != nil {
		initFrom, initTo = f.offset(s.Init.Pos())-start, f.offset(s.Init.End())-start
	}
	checkLines, initLines := map[int]bool{}, map[int]bool{}
	scan(f.src[start:f.offset(s.End())], func(offset, first, last int) {
		in := checkLines
		if offset >= initFrom && offset < initTo {
			in = initLines
		} else {
			tokens++
		}
		for l := first; l <= last; l++ {
			in[l] = true
		}
	})
	for l := range checkLines {
		if !initLines[l] {
			lines++
		}
	}
	return lines, tokens
}

// measure counts the lines of src that hold code and its Go tokens. Comments and blank lines
// do not count, nor do the semicolons the scanner inserts at line ends; a raw string counts
// every line it spans.
func measure(src []byte) results.Size {
	lines := map[int]bool{}
	var size results.Size
	scan(src, func(_, first, last int) {
		size.Tokens++
		for l := first; l <= last; l++ {
			lines[l] = true
		}
	})
	size.Lines = len(lines)
	return size
}

// scan calls visit for each Go token of src that measure counts, with its offset and the
// first and last lines it spans.
func scan(src []byte, visit func(offset, first, last int)) {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, 0) // mode 0: comments are skipped
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue
		}
		first := file.Line(pos)
		visit(file.Offset(pos), first, first+strings.Count(lit, "\n"))
	}
}

// libraryImports maps the names under which f imports packages of module to their paths.
func libraryImports(f *ast.File, module string) map[string]string {
	names := map[string]string{}
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil || (p != module && !strings.HasPrefix(p, module+"/")) {
			continue
		}
		names[importName(imp, p)] = p
	}
	return names
}

// importName is the name a file uses for an import: its explicit name, else the path's last
// element, skipping a major-version suffix (github.com/alitto/pond/v2 is pond), which is what
// every package measured here is called.
func importName(imp *ast.ImportSpec, p string) string {
	if imp.Name != nil {
		return imp.Name.Name
	}
	elems := strings.Split(p, "/")
	name := elems[len(elems)-1]
	if isMajorVersion(name) && len(elems) > 1 {
		name = elems[len(elems)-2]
	}
	return name
}

// isMajorVersion reports whether elem is a module path's major-version suffix, as v2.
func isMajorVersion(elem string) bool {
	if len(elem) < 2 || elem[0] != 'v' {
		return false
	}
	_, err := strconv.Atoi(elem[1:])
	return err == nil
}

// selectors returns, sorted and once each, the pkg.Name selectors in n whose pkg is one of
// imports.
func selectors(n ast.Node, imports map[string]string) []string {
	ids := []string{}
	ast.Inspect(n, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); ok && imports[x.Name] != "" {
			if id := x.Name + "." + sel.Sel.Name; !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		return true
	})
	slices.Sort(ids)
	return ids
}

// workaround returns the text of doc's paragraph that starts "Workaround:", without the
// label, or "" when there is none.
func workaround(doc *ast.CommentGroup) string {
	if doc == nil {
		return ""
	}
	_, after, ok := strings.Cut(doc.Text(), "Workaround:")
	if !ok {
		return ""
	}
	para, _, _ := strings.Cut(after, "\n\n")
	return strings.Join(strings.Fields(para), " ")
}

// readExamples reads every Example_<library>_<job> function in the *_test.go files of fsys,
// keeps those of libs, and checks that each of libs has one example per job.
func readExamples(fsys fs.FS, libs []string) ([]results.Example, error) {
	names, err := fs.Glob(fsys, "*_test.go")
	if err != nil {
		return nil, err
	}
	jobs := make([]string, 0, len(Jobs()))
	for _, j := range Jobs() {
		jobs = append(jobs, j.ID)
	}
	found := map[string]results.Example{}
	for _, name := range names {
		f, err := parseGo(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("examples: %w", err)
		}
		for _, d := range f.ast.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Example_") {
				continue
			}
			lib, job, ok := strings.Cut(strings.TrimPrefix(fn.Name.Name, "Example_"), "_")
			if !ok || !slices.Contains(pools.Names(), lib) || !slices.Contains(jobs, job) {
				return nil, fmt.Errorf("examples/%s: %s: want Example_<library>_<job>, library one of %s, job one of %s",
					name, fn.Name.Name, strings.Join(pools.Names(), ", "), strings.Join(jobs, ", "))
			}
			if !slices.Contains(libs, lib) {
				continue
			}
			in, err := pools.Describe(lib)
			if err != nil {
				return nil, err
			}
			start := fn.Pos()
			if fn.Doc != nil {
				start = fn.Doc.Pos()
			}
			found[fn.Name.Name] = results.Example{
				Library:     lib,
				Job:         job,
				Name:        fn.Name.Name,
				File:        path.Join("examples", name),
				Workaround:  workaround(fn.Doc),
				Size:        f.size(fn.Body.Lbrace+1, fn.Body.Rbrace, fn.Body),
				Identifiers: selectors(fn.Body, libraryImports(f.ast, in.Module)),
				Source:      f.text(start, fn.End()),
			}
		}
	}
	var exs []results.Example
	var missing []string
	for _, lib := range libs {
		for _, job := range jobs {
			name := "Example_" + lib + "_" + job
			if e, ok := found[name]; ok {
				exs = append(exs, e)
			} else {
				missing = append(missing, name)
			}
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("examples: missing %s", strings.Join(missing, ", "))
	}
	return exs, nil
}

// readGlue measures, for each executor of adapters, the constructor and methods of its
// adapter in the Go files of fsys (package pools). The executor table (pools.Describe) names
// the adapter's file and type; its constructors are that file's functions that return the
// type.
func readGlue(fsys fs.FS, adapters []pools.Info) ([]results.Glue, error) {
	files, err := fs.Glob(fsys, "*.go")
	if err != nil {
		return nil, err
	}
	parsed := map[string]*goFile{}
	funcs := map[string]*ast.FuncDecl{} // package-level functions by name
	fileOf := map[*ast.FuncDecl]*goFile{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parseGo(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("pools: %w", err)
		}
		parsed[name] = f
		for _, d := range f.ast.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok {
				fileOf[fn] = f
				if fn.Recv == nil {
					funcs[fn.Name.Name] = fn
				}
			}
		}
	}
	var glue []results.Glue
	for _, in := range adapters {
		name := in.Name
		f := parsed[in.Source]
		if f == nil {
			return nil, fmt.Errorf("pools: %s: no file %s", name, in.Source)
		}
		g := results.Glue{Library: name, File: path.Join("pools", f.name), Type: in.Type, Identifiers: []string{}}
		var own []*ast.FuncDecl
		for _, d := range f.ast.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && resultType(fn) == in.Type {
				own = append(own, fn)
			}
		}
		if len(own) == 0 {
			return nil, fmt.Errorf("pools: %s: no function in %s returns %s", name, in.Source, in.Type)
		}
		for _, file := range files { // in name order, so that Funcs is the same every run
			pf := parsed[file]
			if pf == nil {
				continue
			}
			for _, d := range pf.ast.Decls {
				if fn, ok := d.(*ast.FuncDecl); ok && receiverType(fn) == in.Type {
					own = append(own, fn)
				}
			}
		}
		imports := libraryImports(f.ast, in.Module)
		for _, fn := range own {
			label := fn.Name.Name
			if fn.Recv != nil {
				label = in.Type + "." + label
			}
			g.Funcs = append(g.Funcs, label)
			g.Size = g.Size.Add(fileOf[fn].size(fn.Pos(), fn.End(), fn))
			for _, id := range selectors(fn, imports) {
				if !slices.Contains(g.Identifiers, id) {
					g.Identifiers = append(g.Identifiers, id)
				}
			}
		}
		slices.Sort(g.Identifiers)
		for _, h := range helpers(own, funcs) {
			g.Helpers = append(g.Helpers, h.Name.Name)
			g.HelperSize = g.HelperSize.Add(fileOf[h].size(h.Pos(), h.End(), h))
		}
		glue = append(glue, g)
	}
	return glue, nil
}

// resultType is the name of the type fn's first result is, or points to.
func resultType(fn *ast.FuncDecl) string {
	if fn.Type.Results == nil || len(fn.Type.Results.List) == 0 {
		return ""
	}
	return typeName(fn.Type.Results.List[0].Type)
}

// receiverType is the name of the type fn is a method of, or "".
func receiverType(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return ""
	}
	return typeName(fn.Recv.List[0].Type)
}

func typeName(e ast.Expr) string {
	if star, ok := e.(*ast.StarExpr); ok {
		e = star.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// helpers returns the unexported package-level functions that own calls, directly or
// through one another, in the order first met.
func helpers(own []*ast.FuncDecl, funcs map[string]*ast.FuncDecl) []*ast.FuncDecl {
	var out []*ast.FuncDecl
	seen := map[*ast.FuncDecl]bool{}
	for _, fn := range own {
		seen[fn] = true
	}
	queue := slices.Clone(own)
	for len(queue) > 0 {
		fn := queue[0]
		queue = queue[1:]
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			id, ok := call.Fun.(*ast.Ident)
			if !ok || ast.IsExported(id.Name) {
				return true
			}
			if h := funcs[id.Name]; h != nil && !seen[h] {
				seen[h] = true
				out = append(out, h)
				queue = append(queue, h)
			}
			return true
		})
	}
	return out
}
