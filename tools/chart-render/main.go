// chart-render renders a Helm chart's templates the way `helm template` does, for machines without helm (tests/deploy/check.sh).
// It uses Go's text/template with the sprig functions (as helm does) and helm's own additions: include, tpl, required,
// toYaml, fromYaml, toJson, fromJson, lookup (always empty, as in `helm template`). .Values is values.yaml merged with each
// -f file and then each --set (a.b.c=value; numbers as helm reads them), .Release, .Chart, .Capabilities (with --api-versions)
// and .Template as helm sets them; templates/_* files are partials and NOTES.txt is skipped. It writes one stream of YAML
// documents, each preceded by `# Source: chart/templates/...` like helm.
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run ./tools/chart-render CHART [-f values.yaml]... [--set k=v]...
//	    [--name RELEASE] [--namespace NS] [--api-versions group/version]... [--values-out merged.json] [--strict]
//
// --values-out writes the merged values as JSON (what helm validates against values.schema.json); --strict fails on a
// missing key as `helm lint --strict` does.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	yaml2 "gopkg.in/yaml.v2"
	"gopkg.in/yaml.v3"
)

// apiVersions is .Capabilities.APIVersions: Has answers for the built-in groups and those given with --api-versions.
type apiVersions []string

func (a apiVersions) Has(v string) bool {
	for _, known := range a {
		if known == v || strings.HasPrefix(known, v+"/") {
			return true
		}
	}
	return false
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "chart-render:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	var chartDir, release, namespace, valuesOut, missingKey = "", "isocenter", "default", "", "missingkey=zero"
	var files, sets []string
	apis := apiVersions{"v1", "apps/v1", "batch/v1", "policy/v1", "autoscaling/v2", "networking.k8s.io/v1", "rbac.authorization.k8s.io/v1"}
	for i := 0; i < len(args); i++ {
		next := func() string {
			i++
			if i >= len(args) {
				fmt.Fprintln(os.Stderr, "chart-render: missing value after", args[i-1])
				os.Exit(2)
			}
			return args[i]
		}
		switch args[i] {
		case "-f", "--values":
			files = append(files, next())
		case "--set":
			sets = append(sets, next())
		case "--name":
			release = next()
		case "--namespace", "-n":
			namespace = next()
		case "--api-versions":
			apis = append(apis, next())
		case "--values-out":
			valuesOut = next()
		case "--strict":
			missingKey = "missingkey=error" // as `helm lint --strict`: a template reading a key that is not there fails
		default:
			if strings.HasPrefix(args[i], "-") || chartDir != "" {
				return fmt.Errorf("unknown argument %q", args[i])
			}
			chartDir = args[i]
		}
	}
	if chartDir == "" {
		return fmt.Errorf("usage: chart-render CHART [-f values.yaml]... [--set k=v]... [--name R] [--namespace NS] [--api-versions G/V]...")
	}

	chart, err := readYAML(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return err
	}
	values, err := readYAML(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return err
	}
	for _, f := range files {
		extra, err := readYAML(f)
		if err != nil {
			return err
		}
		values = merge(values, extra)
	}
	for _, s := range sets {
		if err := setValue(values, s); err != nil {
			return err
		}
	}
	if valuesOut != "" {
		b, err := json.MarshalIndent(values, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(valuesOut, b, 0o644); err != nil {
			return err
		}
	}
	chartName, _ := chart["name"].(string)
	top := map[string]interface{}{
		"Values":  values,
		"Release": map[string]interface{}{"Name": release, "Namespace": namespace, "Service": "Helm", "IsInstall": true, "IsUpgrade": false, "Revision": 1},
		"Chart":   capitalized(chart),
		"Capabilities": map[string]interface{}{
			"KubeVersion": map[string]interface{}{"Version": "v1.30.0", "Major": "1", "Minor": "30", "GitVersion": "v1.30.0"},
			"APIVersions": apis,
		},
	}

	var names []string
	root := template.New("chart")
	funcs := funcMap(root)
	root.Funcs(funcs)
	templatesDir := filepath.Join(chartDir, "templates")
	err = filepath.Walk(templatesDir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(chartDir, path)
		name := filepath.ToSlash(filepath.Join(chartName, rel))
		text, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if _, err := root.New(name).Option(missingKey).Parse(string(text)); err != nil {
			return err
		}
		if !strings.HasPrefix(info.Name(), "_") && info.Name() != "NOTES.txt" {
			names = append(names, name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(names)
	out := &bytes.Buffer{}
	for _, name := range names {
		top["Template"] = map[string]interface{}{"Name": name, "BasePath": chartName + "/templates"}
		var b bytes.Buffer
		if err := root.ExecuteTemplate(&b, name, top); err != nil {
			return err
		}
		rendered := strings.ReplaceAll(b.String(), "<no value>", "")
		for _, doc := range strings.Split(rendered, "\n---") {
			if strings.TrimSpace(stripComments(doc)) == "" {
				continue
			}
			fmt.Fprintf(out, "---\n# Source: %s\n%s\n", name, strings.TrimSpace(strings.TrimPrefix(doc, "---")))
		}
	}
	_, err = os.Stdout.Write(out.Bytes())
	return err
}

func stripComments(doc string) string {
	var kept []string
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, "\n")
}

// funcMap is sprig's text functions without env/expandenv (as helm) plus helm's own.
func funcMap(root *template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	f["include"] = func(name string, data interface{}) (string, error) {
		var b bytes.Buffer
		err := root.ExecuteTemplate(&b, name, data)
		return strings.ReplaceAll(b.String(), "<no value>", ""), err
	}
	f["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Option("missingkey=zero").Parse(text)
		if err != nil {
			return "", err
		}
		var b bytes.Buffer
		err = t.Execute(&b, data)
		return strings.ReplaceAll(b.String(), "<no value>", ""), err
	}
	f["required"] = func(message string, value interface{}) (interface{}, error) {
		if value == nil {
			return nil, fmt.Errorf("%s", message)
		}
		if s, ok := value.(string); ok && s == "" {
			return nil, fmt.Errorf("%s", message)
		}
		return value, nil
	}
	f["toYaml"] = func(v interface{}) string {
		b, err := yaml2.Marshal(v)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(string(b), "\n")
	}
	f["fromYaml"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return normalize(m).(map[string]interface{})
	}
	f["toJson"] = func(v interface{}) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	f["fromJson"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	f["lookup"] = func(string, string, string, string) map[string]interface{} { return map[string]interface{}{} }
	return f
}

func readYAML(path string) (map[string]interface{}, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := map[string]interface{}{}
	if err := yaml.Unmarshal(text, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return normalize(m).(map[string]interface{}), nil
}

// normalize makes numbers float64, as helm's values (read through JSON) are, so that templates comparing them behave alike.
func normalize(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		for k, x := range t {
			t[k] = normalize(x)
		}
		return t
	case []interface{}:
		for i, x := range t {
			t[i] = normalize(x)
		}
		return t
	case int:
		return float64(t)
	case int64:
		return float64(t)
	case nil:
		return nil
	default:
		return t
	}
}

// merge copies src over dst: maps merged key by key, anything else replaced (null deletes the key, as in helm).
func merge(dst, src map[string]interface{}) map[string]interface{} {
	for k, v := range src {
		if v == nil {
			delete(dst, k)
			continue
		}
		sm, sok := v.(map[string]interface{})
		dm, dok := dst[k].(map[string]interface{})
		if sok && dok {
			dst[k] = merge(dm, sm)
		} else {
			dst[k] = v
		}
	}
	return dst
}

// setValue applies one --set a.b.c=value (helm's strvals for the simple case: ints as int64, true/false, null, strings).
func setValue(values map[string]interface{}, s string) error {
	eq := strings.Index(s, "=")
	if eq < 1 {
		return fmt.Errorf("--set %q: expected key=value", s)
	}
	keys := strings.Split(s[:eq], ".")
	raw := s[eq+1:]
	var value interface{} = raw
	if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
		value = n
	} else if raw == "true" || raw == "false" {
		value = raw == "true"
	} else if raw == "null" {
		value = nil
	}
	m := values
	for _, k := range keys[:len(keys)-1] {
		child, ok := m[k].(map[string]interface{})
		if !ok {
			child = map[string]interface{}{}
			m[k] = child
		}
		m = child
	}
	if value == nil {
		delete(m, keys[len(keys)-1])
	} else {
		m[keys[len(keys)-1]] = value
	}
	return nil
}

// capitalized is .Chart: Chart.yaml's fields with their first letter upper-cased (name → Name, appVersion → AppVersion).
func capitalized(chart map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range chart {
		out[strings.ToUpper(k[:1])+k[1:]] = v
	}
	return out
}
