#!/usr/bin/python3
"""What the deployment files and docs refer to must exist (tests/deploy/check.sh).

- Dockerfiles: the project each publishes exists; every COPY source exists; the project's ProjectReferences (transitively)
  are all copied into the build stage; the runtime runs as a non-root USER; services have a HEALTHCHECK; an image whose
  project decodes frames (references Isocenter.Dicom.Imaging) installs the codec libraries. Every service with a
  Program.cs has a Dockerfile.
- docker-compose.yml: each build's Dockerfile exists.
- .github/workflows/*.yml: valid YAML; every ./dev.sh verb they run is one of dev.sh's, every repository path they name
  (in run: and with: file:) exists.
- README.md and docs/deployment.md, operations.md, scaling.md: every ./dev.sh verb, repository path (scripts/…, charts/…,
  tests/…, services/…/Dockerfile, …), `isocenter VERB`, gateway verb (Isocenter.Gateway.dll VERB), docker compose service
  and helm --set key they mention exists.

    check_repo.py COMPOSE_SERVICES_FILE    (the output of docker-compose --profile … config --services)
"""
import glob
import os
import re
import sys

import yaml

errors = []
CODECS = ("libturbojpeg", "libcharls2", "libopenjp2-7")
PATH = re.compile(r"(?<![\w./-])(?:\./)?((?:\.ci|\.github|charts|scripts|tests|tools|services|gateway|platform|web-viewer|bench|docs)/[\w./*{}-]*[\w*}]|docker-compose\.yml|dev\.sh|dev\.env)")


def error(where, message):
    errors.append(f"{where}: {message}")


def exists(path):
    path = path.rstrip("/.")
    if "{" in path:  # a brace list such as docs/{deployment,operations}.md
        head, rest = path.split("{", 1)
        choices, tail = rest.split("}", 1)
        return all(exists(head + c + tail) for c in choices.split(","))
    return bool(glob.glob(path)) if "*" in path else os.path.exists(path)


def project_refs(csproj, seen=None):
    seen = set() if seen is None else seen
    if csproj in seen or not os.path.exists(csproj):
        return seen
    seen.add(csproj)
    text = open(csproj).read()
    for ref in re.findall(r'<ProjectReference Include="([^"]+)"', text):
        project_refs(os.path.normpath(os.path.join(os.path.dirname(csproj), ref.replace("\\", "/"))), seen)
    return seen


def check_dockerfiles():
    dockerfiles = sorted(f for f in glob.glob("**/Dockerfile", recursive=True) if "node_modules" not in f)
    for program in glob.glob("services/*/*/Program.cs") + glob.glob("gateway/*/Program.cs"):
        if not os.path.exists(os.path.join(os.path.dirname(program), "Dockerfile")):
            error(program, "this service has no Dockerfile beside it")
    for path in dockerfiles:
        text = open(path).read()
        stages = re.split(r"^FROM ", text, flags=re.M)[1:]
        publish = re.search(r"dotnet publish (\S+\.csproj)", text)
        if not publish:
            error(path, "no `dotnet publish X.csproj`")
            continue
        project = publish.group(1)
        if not os.path.exists(project):
            error(path, f"publishes {project}, which does not exist")
            continue
        build = next(s for s in stages if "dotnet publish" in s)
        copied = []
        for line in build.splitlines():
            m = re.match(r"COPY (?!--from)(.+)", line)
            if m:
                *sources, _ = m.group(1).split()
                for source in sources:
                    if not exists(source):
                        error(path, f"COPY {source}: not in the repository")
                    copied.append(source.rstrip("/"))
        for ref in sorted(project_refs(project)):
            if not any(ref == c or ref.startswith(c + "/") for c in copied):
                error(path, f"{project} needs {ref}, which no COPY of its build stage brings")
        runtime = stages[-1]
        if not re.search(r"^USER (\$APP_UID|app|[1-9]\d*)\s*$", runtime, re.M):
            error(path, "the runtime stage does not run as a non-root USER")
        if path.startswith(("services/", "gateway/")) and "HEALTHCHECK" not in runtime:
            error(path, "no HEALTHCHECK")
        decodes = any(r.endswith("Isocenter.Dicom.Imaging.csproj") for r in project_refs(project))
        if decodes and not all(c in runtime for c in CODECS):
            error(path, f"{project} decodes frames (Isocenter.Dicom.Imaging) but the runtime lacks {', '.join(CODECS)}")
    return dockerfiles


def check_compose():
    compose = yaml.safe_load(open("docker-compose.yml"))
    for name, service in compose["services"].items():
        build = service.get("build")
        if isinstance(build, dict) and not os.path.exists(os.path.join(build.get("context", "."), build.get("dockerfile", "Dockerfile"))):
            error(f"docker-compose.yml {name}", f"build dockerfile {build.get('dockerfile')} does not exist")


def dev_verbs():
    text = open("dev.sh").read()
    case = text[text.index('case "${1:-help}" in'):]
    return set(re.findall(r"^  ([a-z]+)\)", case, re.M))


def check_paths(where, text):
    for m in PATH.finditer(text):
        if "/bin/" in m.group(1) or "/obj/" in m.group(1):
            continue  # build outputs
        if not exists(m.group(1)):
            error(where, f"{m.group(1)} does not exist")


def check_workflows(verbs):
    files = sorted(glob.glob(".github/workflows/*.yml"))
    if not files:
        error(".github/workflows", "no workflows")
    for path in files:
        try:
            workflow = yaml.safe_load(open(path))
        except yaml.YAMLError as e:
            error(path, f"not valid YAML: {e}")
            continue
        if not isinstance(workflow, dict) or "jobs" not in workflow or not ({"on", True} & set(workflow)):
            error(path, "not a workflow (name, on, jobs)")
            continue
        for job_name, job in workflow["jobs"].items():
            for item in ((job.get("strategy") or {}).get("matrix") or {}).get("include") or []:
                for value in item.values():
                    check_paths(f"{path} {job_name} matrix", str(value))
            for step in job.get("steps") or []:
                run = step.get("run") or ""
                for verb in re.findall(r"\./dev\.sh ([a-z]+)", run):
                    if verb not in verbs:
                        error(path, f"./dev.sh {verb}: dev.sh has no such verb")
                check_paths(f"{path} {job_name}", re.sub(r"\$\{\{[^}]*\}\}", "", run))
                for key in ("file", "path"):
                    value = (step.get("with") or {}).get(key)
                    if value and "${{" not in str(value) and not str(value).startswith("dist/"):
                        check_paths(f"{path} {job_name}", str(value))


def values_keys(values, prefix=""):
    keys = set()
    for k, v in values.items():
        keys.add(prefix + k)
        if isinstance(v, dict):
            keys |= values_keys(v, prefix + k + ".")
    return keys


def check_docs(verbs, services):
    cli = set(re.findall(r'^\s*"([a-z-]+)"(?: when .*?)? =>', open("tools/Isocenter.Cli/Program.cs").read(), re.M))
    gateway_verbs = set(re.findall(r'case \["([a-z]+)"', open("gateway/Isocenter.Gateway/Program.cs").read()))
    chart_keys = values_keys(yaml.safe_load(open("charts/isocenter/values.yaml")))
    for path in ["README.md", "docs/deployment.md", "docs/operations.md", "docs/scaling.md"]:
        if not os.path.exists(path):
            error(path, "missing")
            continue
        text = open(path).read()
        for verb in re.findall(r"\./dev\.sh ([a-z]+)", text):
            if verb not in verbs:
                error(path, f"./dev.sh {verb}: dev.sh has no such verb")
        check_paths(path, text)
        code = "\n".join(re.findall(r"```.*?```", text, re.S) + re.findall(r"`[^`\n]+`", text))
        # a command line: isocenter at the start of a code line or span, after `$ `, or as the cli service's command
        for verb in re.findall(r"(?:^\s*(?:\$ )?|`|run --rm cli |/app/)isocenter ([a-z][a-z-]*)", code, re.M):
            if verb not in cli:
                error(path, f"isocenter {verb}: the CLI has no such verb")
        for verb in re.findall(r"run --rm cli ([a-z][a-z-]*)", code):
            if verb not in cli:
                error(path, f"docker compose run --rm cli {verb}: the CLI has no such verb")
        for verb in re.findall(r"Isocenter\.Gateway\.dll ([a-z]+)", text):
            if verb not in gateway_verbs:
                error(path, f"Isocenter.Gateway.dll {verb}: the gateway has no such verb")
        for m in re.finditer(r"docker[ -]compose((?: --?[\w-]+(?:[ =](?!-)[\w.:/-]+)?)*) (run|up|logs|restart|stop|exec|start|ps|pull|build)((?: -[-\w]+(?:=\S+)?)*)((?: [a-z][\w-]*)*)", text):
            for name in m.group(4).split():
                if name in ("dump", "demo", "send", "find", "echo", "token") or m.group(2) in ("run", "exec") and name != m.group(4).split()[0]:
                    break  # the command given to the service
                if name not in services:
                    error(path, f"docker compose {m.group(2)} {name}: docker-compose.yml has no service {name}")
        for key in re.findall(r"--set(?:-string)? ([\w.]+)=", text):
            if key not in chart_keys:
                error(path, f"--set {key}: charts/isocenter/values.yaml has no such key")


def main():
    services = set(open(sys.argv[1]).read().split())
    verbs = dev_verbs()
    dockerfiles = check_dockerfiles()
    check_compose()
    check_workflows(verbs)
    check_docs(verbs, services)
    for e in errors:
        print(f"check_repo: {e}", file=sys.stderr)
    print(f"check_repo: {len(dockerfiles)} Dockerfiles, {len(services)} compose services, {len(glob.glob('.github/workflows/*.yml'))} workflows, "
          f"4 docs checked, {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
