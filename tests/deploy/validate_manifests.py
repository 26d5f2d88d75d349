#!/usr/bin/python3
"""Structural validation of rendered Kubernetes manifests, offline (tests/deploy/check.sh; helm and kubeconform are not at hand).

Every document's apiVersion/kind must be known; its fields are checked against the Kubernetes API models of Debian's
python3-kubernetes (openapi_types/attribute_map of each model class: unknown fields are errors, types must match, required
fields must be present, as `kubeconform -strict` does), with a small hand-written schema for the Prometheus Operator's
ServiceMonitor. Then what binds the objects together: selectors match the pod templates' labels, every Service, PDB,
NetworkPolicy, HPA, Ingress and ServiceMonitor finds what it points at, named ports exist, every Secret/ConfigMap/
ServiceAccount referenced is rendered (or named with --external), env references $(VAR) are defined before use, and the
gateway's proxy destinations name rendered Services (or StatefulSet pods behind a headless Service).

    validate_manifests.py MANIFESTS.yaml [--external SECRET_NAME]...
"""
import re
import sys

import kubernetes.client as k8s
import yaml

KINDS = {
    ("v1", "Service"): k8s.V1Service,
    ("v1", "Secret"): k8s.V1Secret,
    ("v1", "ConfigMap"): k8s.V1ConfigMap,
    ("v1", "ServiceAccount"): k8s.V1ServiceAccount,
    ("v1", "PersistentVolumeClaim"): k8s.V1PersistentVolumeClaim,
    ("apps/v1", "Deployment"): k8s.V1Deployment,
    ("apps/v1", "StatefulSet"): k8s.V1StatefulSet,
    ("apps/v1", "DaemonSet"): k8s.V1DaemonSet,
    ("batch/v1", "Job"): k8s.V1Job,
    ("policy/v1", "PodDisruptionBudget"): k8s.V1PodDisruptionBudget,
    # autoscaling/v2 is v2beta2 promoted unchanged (the Debian client predates it).
    ("autoscaling/v2", "HorizontalPodAutoscaler"): k8s.V2beta2HorizontalPodAutoscaler,
    ("networking.k8s.io/v1", "Ingress"): k8s.V1Ingress,
    ("networking.k8s.io/v1", "NetworkPolicy"): k8s.V1NetworkPolicy,
    ("monitoring.coreos.com/v1", "ServiceMonitor"): "ServiceMonitor",
}

# The fields of the ServiceMonitor this chart may use (monitoring.coreos.com/v1), checked like the models'.
SERVICE_MONITOR = {
    "apiVersion": "str", "kind": "str", "metadata": "V1ObjectMeta",
    "spec": {"selector": "V1LabelSelector", "namespaceSelector": {"matchNames": "list[str]", "any": "bool"},
             "jobLabel": "str",
             "endpoints": [{"port": "str", "path": "str", "interval": "str", "scrapeTimeout": "str", "scheme": "str",
                            "honorLabels": "bool"}]},
}
SERVICE_MONITOR_REQUIRED = {"spec": ["selector", "endpoints"]}

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
QUANTITY_MAPS = {"limits", "requests", "capacity", "hard"}

errors = []


def error(where, message):
    errors.append(f"{where}: {message}")


def model(name):
    return getattr(k8s, name)


def check_value(value, type_name, where, key=""):
    """Checks value against an openapi type string ('str', 'list[V1Container]', 'dict(str, str)', 'V1ObjectMeta', ...)."""
    if value is None:
        return
    if isinstance(type_name, dict):
        check_schema(value, type_name, where)
        return
    if isinstance(type_name, list):
        if not isinstance(value, list):
            error(where, f"expected a list, got {type(value).__name__}")
            return
        for i, item in enumerate(value):
            check_value(item, type_name[0], f"{where}[{i}]")
        return
    if type_name.startswith("list["):
        if not isinstance(value, list):
            error(where, f"expected a list, got {type(value).__name__}")
            return
        for i, item in enumerate(value):
            check_value(item, type_name[5:-1], f"{where}[{i}]")
    elif type_name.startswith("dict("):
        if not isinstance(value, dict):
            error(where, f"expected a map, got {type(value).__name__}")
            return
        inner = type_name[type_name.index(",") + 1:-1].strip()
        for k, v in value.items():
            if inner == "str" and key in QUANTITY_MAPS and isinstance(v, (int, float)) and not isinstance(v, bool):
                continue  # a quantity may be a number
            check_value(v, inner, f"{where}.{k}")
    elif type_name == "str":
        if not isinstance(value, str):
            error(where, f"expected a string, got {type(value).__name__} {value!r}")
    elif type_name == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            error(where, f"expected an integer, got {type(value).__name__} {value!r}")
    elif type_name == "float":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            error(where, f"expected a number, got {value!r}")
    elif type_name == "bool":
        if not isinstance(value, bool):
            error(where, f"expected a boolean, got {type(value).__name__} {value!r}")
    elif type_name in ("object", "datetime", "date"):
        if type_name == "object" and isinstance(value, (dict, list)) and key in ("targetPort", "port", "maxUnavailable", "maxSurge", "minAvailable"):
            error(where, "expected an integer or a string")
    else:
        check_model(value, model(type_name), where)


def check_model(value, cls, where):
    if not isinstance(value, dict):
        error(where, f"expected an object ({cls.__name__}), got {type(value).__name__}")
        return
    by_json = {json: py for py, json in cls.attribute_map.items()}
    for key, v in value.items():
        if key not in by_json:
            error(where, f"unknown field {key!r} ({cls.__name__})")
            continue
        check_value(v, cls.openapi_types[by_json[key]], f"{where}.{key}", key)
    try:  # the models' setters refuse a missing required field
        cls(**{by_json[k]: v for k, v in value.items() if k in by_json})
    except ValueError as e:
        error(where, f"{cls.__name__}: {e}")


def check_schema(value, schema, where):
    if not isinstance(value, dict):
        error(where, "expected an object")
        return
    for key, v in value.items():
        if key not in schema:
            error(where, f"unknown field {key!r}")
        else:
            check_value(v, schema[key], f"{where}.{key}", key)


def pod_spec(doc):
    spec = doc.get("spec") or {}
    if doc["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
        return (spec.get("template") or {}).get("spec") or {}
    return None


def pod_labels(doc):
    return ((doc.get("spec") or {}).get("template") or {}).get("metadata", {}).get("labels") or {}


def matches(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def main(argv):
    path, external = argv[0], set()
    i = 1
    while i < len(argv):
        if argv[i] == "--external":
            external.add(argv[i + 1])
            i += 2
        else:
            sys.exit(f"unknown argument {argv[i]}")
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    if not docs:
        sys.exit(f"{path}: no documents")

    seen = {}
    for doc in docs:
        kind, api = doc.get("kind"), doc.get("apiVersion")
        name = (doc.get("metadata") or {}).get("name", "?")
        where = f"{kind}/{name}"
        cls = KINDS.get((api, kind))
        if cls is None:
            error(where, f"unknown apiVersion/kind {api}/{kind}")
            continue
        if (kind, name) in seen:
            error(where, "defined twice")
        seen[(kind, name)] = doc
        if not DNS_LABEL.match(name) or len(name) > (63 if kind in ("Service", "StatefulSet") else 253):
            error(where, "name is not a DNS label (lower case letters, digits, '-'; 63 characters at most)")
        for k, v in ((doc.get("metadata") or {}).get("labels") or {}).items():
            if not isinstance(v, str) or len(v) > 63:
                error(where, f"label {k}: {v!r} is not a label value")
        if cls == "ServiceMonitor":
            check_schema(doc, SERVICE_MONITOR, where)
            for field in SERVICE_MONITOR_REQUIRED["spec"]:
                if field not in (doc.get("spec") or {}):
                    error(where, f"spec.{field} is required")
        else:
            check_model(doc, cls, where)

    by_kind = lambda k: [d for (kind, _), d in seen.items() if kind == k]
    workloads = [d for d in seen.values() if pod_spec(d) is not None]
    secrets = {d["metadata"]["name"]: set((d.get("data") or {}) | (d.get("stringData") or {})) for d in by_kind("Secret")}
    configmaps = {d["metadata"]["name"] for d in by_kind("ConfigMap")}
    accounts = {d["metadata"]["name"] for d in by_kind("ServiceAccount")} | {"default"}
    services = {d["metadata"]["name"]: d for d in by_kind("Service")}

    def workloads_for(selector):
        return [w for w in workloads if matches(selector, pod_labels(w))]

    def container_ports(ws):
        return {p.get("name") for w in ws for c in pod_spec(w).get("containers", []) for p in c.get("ports") or []}

    for w in workloads:
        where = f"{w['kind']}/{w['metadata']['name']}"
        selector = ((w["spec"].get("selector") or {}).get("matchLabels")) or {}
        if w["kind"] != "Job" and not matches(selector, pod_labels(w)):
            error(where, "spec.selector.matchLabels does not match the pod template's labels")
        spec = pod_spec(w)
        if spec.get("serviceAccountName", "default") not in accounts:
            error(where, f"service account {spec['serviceAccountName']} is not rendered")
        if w["kind"] == "StatefulSet":
            svc = services.get(w["spec"].get("serviceName"))
            if svc is None or (svc["spec"].get("clusterIP") != "None" and svc["metadata"]["name"] != w["metadata"]["name"]):
                error(where, f"serviceName {w['spec'].get('serviceName')} is not a rendered (headless) Service")
        volumes = {v["name"]: v for v in spec.get("volumes") or []}
        for v in volumes.values():
            if "secret" in v and v["secret"].get("secretName") not in secrets and v["secret"].get("secretName") not in external:
                error(where, f"volume {v['name']}: Secret {v['secret'].get('secretName')} is not rendered")
            if "configMap" in v and v["configMap"].get("name") not in configmaps:
                error(where, f"volume {v['name']}: ConfigMap {v['configMap'].get('name')} is not rendered")
        claims = {t["metadata"]["name"] for t in w["spec"].get("volumeClaimTemplates") or []}
        for c in spec.get("containers", []) + spec.get("initContainers", []):
            cwhere = f"{where} container {c.get('name')}"
            ports = {p.get("name") for p in c.get("ports") or []}
            for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                port = ((c.get(probe) or {}).get("httpGet") or {}).get("port")
                if isinstance(port, str) and port not in ports:
                    error(cwhere, f"{probe} names port {port}, which the container does not have")
            for m in c.get("volumeMounts") or []:
                if m["name"] not in volumes and m["name"] not in claims:
                    error(cwhere, f"volumeMount {m['name']} has no volume")
            defined = set()
            for e in c.get("env") or []:
                if e["name"] in defined:
                    error(cwhere, f"env {e['name']} set twice")
                for ref in re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", str(e.get("value") or "")):
                    if ref not in defined:
                        error(cwhere, f"env {e['name']} refers to $({ref}) before it is defined")
                defined.add(e["name"])
                ref = (e.get("valueFrom") or {}).get("secretKeyRef")
                if ref:
                    if ref["name"] in secrets:
                        if ref["key"] not in secrets[ref["name"]]:
                            error(cwhere, f"env {e['name']}: Secret {ref['name']} has no key {ref['key']}")
                    elif ref["name"] not in external:
                        error(cwhere, f"env {e['name']}: Secret {ref['name']} is not rendered (pass --external if it is yours)")
                check_destination(cwhere, e, services, seen)

    for name, svc in services.items():
        selector = svc["spec"].get("selector")
        if not selector:
            continue
        targets = workloads_for(selector)
        if not targets:
            error(f"Service/{name}", f"selector {selector} matches no pod template")
        names = container_ports(targets)
        for p in svc["spec"].get("ports") or []:
            if isinstance(p.get("targetPort"), str) and p["targetPort"] not in names:
                error(f"Service/{name}", f"targetPort {p['targetPort']} is no container port of its pods")
    for pdb in by_kind("PodDisruptionBudget"):
        if not workloads_for((pdb["spec"].get("selector") or {}).get("matchLabels")):
            error(f"PodDisruptionBudget/{pdb['metadata']['name']}", "selector matches no pod template")
    for np in by_kind("NetworkPolicy"):
        targets = workloads_for((np["spec"].get("podSelector") or {}).get("matchLabels"))
        if not targets:
            error(f"NetworkPolicy/{np['metadata']['name']}", "podSelector matches no pod template")
        names = container_ports(targets)
        for rule in np["spec"].get("ingress") or []:
            for p in rule.get("ports") or []:
                if isinstance(p.get("port"), str) and p["port"] not in names:
                    error(f"NetworkPolicy/{np['metadata']['name']}", f"port {p['port']} is no container port of its pods")
    for hpa in by_kind("HorizontalPodAutoscaler"):
        ref = hpa["spec"]["scaleTargetRef"]
        if (ref["kind"], ref["name"]) not in seen:
            error(f"HorizontalPodAutoscaler/{hpa['metadata']['name']}", f"scaleTargetRef {ref['kind']}/{ref['name']} is not rendered")
        if (ref["kind"], ref["name"]) in seen and "replicas" in seen[(ref["kind"], ref["name"])]["spec"]:
            error(f"HorizontalPodAutoscaler/{hpa['metadata']['name']}", "its target also sets spec.replicas (they would fight)")
    for ing in by_kind("Ingress"):
        for rule in ing["spec"].get("rules") or []:
            for p in (rule.get("http") or {}).get("paths") or []:
                backend = p["backend"]["service"]
                svc = services.get(backend["name"])
                if svc is None:
                    error(f"Ingress/{ing['metadata']['name']}", f"backend Service {backend['name']} is not rendered")
                elif backend["port"].get("name") and backend["port"]["name"] not in {x.get("name") for x in svc["spec"]["ports"]}:
                    error(f"Ingress/{ing['metadata']['name']}", f"Service {backend['name']} has no port {backend['port']['name']}")
        for tls in ing["spec"].get("tls") or []:
            if not tls.get("secretName"):
                error(f"Ingress/{ing['metadata']['name']}", "tls without secretName")
    for sm in by_kind("ServiceMonitor"):
        selected = [s for s in services.values() if matches(sm["spec"]["selector"].get("matchLabels"), s["metadata"].get("labels") or {})]
        if not selected:
            error(f"ServiceMonitor/{sm['metadata']['name']}", "selector matches no Service")
        for ep in sm["spec"]["endpoints"]:
            if not any(ep.get("port") in {p.get("name") for p in s["spec"]["ports"]} for s in selected):
                error(f"ServiceMonitor/{sm['metadata']['name']}", f"no selected Service has a port named {ep.get('port')}")

    for e in errors:
        print(f"{path}: {e}", file=sys.stderr)
    print(f"{path}: {len(docs)} documents, {len(errors)} errors")
    return 1 if errors else 0


def check_destination(where, env, services, seen):
    """A gateway destination (ReverseProxy__Clusters__C__Destinations__D__Address) must be a rendered Service, or a pod of
    a rendered StatefulSet by its stable name under its headless Service, on one of its ports."""
    if not re.match(r"ReverseProxy__Clusters__\w+__Destinations__[\w-]+__Address$", env["name"]):
        return
    m = re.match(r"^https?://([^:/]+)(?::(\d+))?/$", env.get("value") or "")
    if not m:
        error(where, f"{env['name']}: {env.get('value')!r} is not http://host:port/")
        return
    host, port = m.group(1).split("."), int(m.group(2) or 80)
    svc = services.get(host[0])
    if svc is None and len(host) > 1:
        svc = services.get(host[1])
        sts = re.match(r"^(.*)-(\d+)$", host[0])
        if svc is None or svc["spec"].get("clusterIP") != "None" or not sts or ("StatefulSet", sts.group(1)) not in seen:
            error(where, f"{env['name']}: {host[0]} is not a pod of a rendered StatefulSet behind headless Service {host[1]}")
            return
        replicas = seen[("StatefulSet", sts.group(1))]["spec"].get("replicas")
        if replicas is not None and int(sts.group(2)) >= replicas and not any(
                h["spec"]["scaleTargetRef"]["name"] == sts.group(1) for (k, _), h in seen.items() if k == "HorizontalPodAutoscaler"):
            error(where, f"{env['name']}: {host[0]} is beyond the StatefulSet's {replicas} replicas")
    if svc is None:
        error(where, f"{env['name']}: {host[0]} is not a rendered Service")
    elif port not in {p["port"] for p in svc["spec"]["ports"]}:
        error(where, f"{env['name']}: Service {svc['metadata']['name']} has no port {port}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
