// helm-render renders a Helm chart the way `helm template` does, for the template subset the
// mcp-tunnel chart uses, so CI can check the chart without a helm binary (none is installable here).
//
// Supported: Go text/template with the sprig function map (minus env/expandenv, as in Helm), Helm's
// include, tpl, required, toYaml, fromYaml, toJson, lookup (always empty, as under `helm template`);
// the objects .Values (values.yaml deep-merged with -f files and -set), .Release, .Chart,
// .Capabilities (KubeVersion, APIVersions.Has) and .Template. Not supported: .Files, subcharts,
// library charts, values.schema.json, post-render. Missing keys render as "" (Helm's default).
//
// Every rendered document must parse as YAML and carry apiVersion, kind and metadata.name.
//
//	helm-render -chart DIR [-release NAME] [-namespace NS] [-f values.yaml]... [-set a.b=v]... [-upgrade]
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/Masterminds/semver"
	"github.com/Masterminds/sprig"
	yamlv2 "gopkg.in/yaml.v2"
	yaml "gopkg.in/yaml.v3"
)

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	chartDir := flag.String("chart", "", "chart directory")
	release := flag.String("release", "mcp-tunnel", "release name")
	namespace := flag.String("namespace", "default", "release namespace")
	kubeVersion := flag.String("kube-version", "v1.30.0", "Kubernetes version for .Capabilities")
	upgrade := flag.Bool("upgrade", false, "render as an upgrade (.Release.IsUpgrade)")
	notes := flag.Bool("notes", false, "also print NOTES.txt")
	var valueFiles, sets multiFlag
	flag.Var(&valueFiles, "f", "values file (repeatable)")
	flag.Var(&sets, "set", "key.path=value (repeatable; true/false/null/integers are typed)")
	flag.Parse()
	if *chartDir == "" {
		fail(errors.New("-chart is required"))
	}
	out, err := render(*chartDir, *release, *namespace, *kubeVersion, *upgrade, *notes, valueFiles, sets)
	if err != nil {
		fail(err)
	}
	fmt.Print(out)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "Error:", err)
	os.Exit(1)
}

func render(chartDir, release, namespace, kubeVersion string, upgrade, notes bool, valueFiles, sets []string) (string, error) {
	chart, err := readYamlMap(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return "", err
	}
	chartName, _ := chart["name"].(string)
	if chartName == "" {
		return "", errors.New("Chart.yaml: name is required")
	}
	kv, err := semver.NewVersion(kubeVersion)
	if err != nil {
		return "", fmt.Errorf("-kube-version: %w", err)
	}
	if c, ok := chart["kubeVersion"].(string); ok && c != "" {
		constraint, err := semver.NewConstraint(c)
		if err != nil {
			return "", fmt.Errorf("Chart.yaml kubeVersion: %w", err)
		}
		if !constraint.Check(kv) {
			return "", fmt.Errorf("chart requires kubeVersion %s which is incompatible with Kubernetes %s", c, kubeVersion)
		}
	}

	values, err := loadValues(chartDir, valueFiles, sets)
	if err != nil {
		return "", err
	}

	top := map[string]interface{}{
		"Values": values,
		"Release": map[string]interface{}{
			"Name": release, "Namespace": namespace, "Service": "Helm",
			"IsInstall": !upgrade, "IsUpgrade": upgrade, "Revision": 1,
		},
		"Chart": map[string]interface{}{
			"Name": chartName, "Version": str(chart["version"]), "AppVersion": str(chart["appVersion"]),
			"Description": str(chart["description"]), "Type": str(chart["type"]), "KubeVersion": str(chart["kubeVersion"]),
		},
		"Capabilities": map[string]interface{}{
			"KubeVersion": map[string]interface{}{
				"Version": kubeVersion, "GitVersion": kubeVersion,
				"Major": strconv.FormatUint(kv.Major(), 10), "Minor": strconv.FormatUint(kv.Minor(), 10),
			},
			"APIVersions": apiVersions{"v1", "apps/v1", "batch/v1", "policy/v1", "networking.k8s.io/v1", "rbac.authorization.k8s.io/v1"},
		},
	}

	// Step 1: parse every file under templates/ into one set, each named <chart>/templates/<path>.
	tdir := filepath.Join(chartDir, "templates")
	var files []string
	err = filepath.Walk(tdir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	t := template.New("gotpl").Option("missingkey=zero")
	t.Funcs(funcMap(t))
	names := map[string]string{}
	for _, f := range files {
		rel, _ := filepath.Rel(chartDir, f)
		name := path.Join(chartName, filepath.ToSlash(rel))
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		if _, err := t.New(name).Parse(string(b)); err != nil {
			return "", err
		}
		names[name] = f
	}

	// Step 2: execute each non-partial file; keep non-empty output, checked as YAML.
	var out strings.Builder
	var sorted []string
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, name := range sorted {
		base := path.Base(name)
		if strings.HasPrefix(base, "_") {
			continue
		}
		top["Template"] = map[string]interface{}{"Name": name, "BasePath": path.Join(chartName, "templates")}
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, name, top); err != nil {
			return "", err
		}
		text := strings.ReplaceAll(buf.String(), "<no value>", "")
		if base == "NOTES.txt" {
			if notes {
				fmt.Fprintf(os.Stderr, "NOTES:\n%s\n", text)
			}
			continue
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		if err := checkDocuments(name, text); err != nil {
			return "", err
		}
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", name, strings.TrimRight(text, "\n"))
	}
	return out.String(), nil
}

// checkDocuments requires each YAML document in a rendered file to parse and name itself.
func checkDocuments(name, text string) error {
	dec := yaml.NewDecoder(strings.NewReader(text))
	for i := 0; ; i++ {
		var doc map[string]interface{}
		err := dec.Decode(&doc)
		if err != nil {
			if err.Error() == "EOF" {
				return nil
			}
			return fmt.Errorf("%s: document %d is not valid YAML: %w\n%s", name, i, err, text)
		}
		if doc == nil {
			continue
		}
		md, _ := doc["metadata"].(map[string]interface{})
		if str(doc["apiVersion"]) == "" || str(doc["kind"]) == "" || md == nil || str(md["name"]) == "" {
			return fmt.Errorf("%s: document %d lacks apiVersion, kind or metadata.name", name, i)
		}
	}
}

type apiVersions []string

// Has mirrors .Capabilities.APIVersions.Has.
func (a apiVersions) Has(v string) bool {
	for _, x := range a {
		if x == v {
			return true
		}
	}
	return false
}

func funcMap(t *template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	includeDepth := map[string]int{}
	f["include"] = func(name string, data interface{}) (string, error) {
		if includeDepth[name] > 1000 {
			return "", fmt.Errorf("include %q: recursion too deep", name)
		}
		includeDepth[name]++
		defer func() { includeDepth[name]-- }()
		var buf bytes.Buffer
		err := t.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	f["tpl"] = func(text string, data interface{}) (string, error) {
		c, err := t.Clone()
		if err != nil {
			return "", err
		}
		c, err = c.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		err = c.Execute(&buf, data)
		return strings.ReplaceAll(buf.String(), "<no value>", ""), err
	}
	f["required"] = func(msg string, v interface{}) (interface{}, error) {
		if v == nil {
			return v, errors.New(msg)
		}
		if s, ok := v.(string); ok && s == "" {
			return v, errors.New(msg)
		}
		return v, nil
	}
	f["toYaml"] = func(v interface{}) string {
		b, err := yamlv2.Marshal(v)
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
		return m
	}
	f["lookup"] = func(string, string, string, string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	return f
}

func loadValues(chartDir string, files, sets []string) (map[string]interface{}, error) {
	values, err := readYamlMap(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		override, err := readYamlMap(f)
		if err != nil {
			return nil, err
		}
		merge(values, override)
	}
	for _, s := range sets {
		key, raw, ok := strings.Cut(s, "=")
		if !ok || key == "" {
			return nil, fmt.Errorf("-set %q: want key.path=value", s)
		}
		parts := strings.Split(key, ".")
		leaf := map[string]interface{}{parts[len(parts)-1]: typed(raw)}
		for i := len(parts) - 2; i >= 0; i-- {
			leaf = map[string]interface{}{parts[i]: leaf}
		}
		merge(values, leaf)
	}
	return values, nil
}

// merge overlays src onto dst: maps merge recursively, other values replace, null deletes (as in Helm).
func merge(dst, src map[string]interface{}) {
	for k, v := range src {
		if v == nil {
			delete(dst, k)
			continue
		}
		sm, sok := v.(map[string]interface{})
		dm, dok := dst[k].(map[string]interface{})
		if sok && dok {
			merge(dm, sm)
		} else {
			dst[k] = v
		}
	}
}

func typed(raw string) interface{} {
	switch raw {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	if i, err := strconv.ParseInt(raw, 10, 64); err == nil {
		return i
	}
	return raw
}

func readYamlMap(file string) (map[string]interface{}, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	m := map[string]interface{}{}
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return m, nil
}

func str(v interface{}) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}
