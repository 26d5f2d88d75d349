import { fieldErrors } from "../http";
import type { DicomNode, EchoResult, PacsClient } from "../pacs/client";
import { describeDirections, describeServices, emptyNode, lacksService, validateNode } from "../pacs/nodes";
import { describeError, el } from "./dom";

/**
 * An echo's outcome as shown: the message (green when it succeeded, red when not, amber when it succeeded but the peer
 * refused a service the node is configured to use) and the services the peer accepts.
 */
function echoView(result: EchoResult, node: DicomNode): HTMLElement {
  const services = describeServices(result);
  return el(
    "div",
    { class: "echo" },
    el("span", { class: "echo-result", "data-testid": "echo-result", "data-ok": String(result.ok), "data-problem": result.problem ?? "", "data-warning": result.ok && lacksService(result, node) }, result.message),
    el("span", { class: "echo-detail" }, [services, result.ok ? `${result.milliseconds} ms` : ""].filter(Boolean).join(" · ")),
  );
}

/** An echo that could not run at all (the service failed): shown like a failed echo. */
function echoFailure(error: unknown): HTMLElement {
  return el("div", { class: "echo" }, el("span", { class: "echo-result", "data-testid": "echo-result", "data-ok": "false", "data-problem": "failed" }, `The test could not run: ${describeError(error)}`));
}

/**
 * The node registry (`/admin/nodes`): the remote DICOM nodes with their AE title, address and directions, a C-ECHO test
 * per node and for the form before saving, and a form to add or edit one.
 */
export function showNodes(root: HTMLElement, pacs: PacsClient, back: () => void): () => void {
  document.title = "DICOM nodes – Isocenter";
  const body = el("div", { class: "nodes-list" });
  const status = el("div", { class: "status", role: "status" });

  const input = (testid: string, attributes: Record<string, string | number | boolean> = {}) => el("input", { "data-testid": testid, autocomplete: "off", spellcheck: "false", ...attributes });
  const name = input("node-name", { required: true, maxlength: 64, placeholder: "PACS" });
  const ae = input("node-ae", { required: true, maxlength: 16, placeholder: "ORTHANC" });
  const host = input("node-host", { required: true, placeholder: "pacs.hospital.org" });
  const port = input("node-port", { type: "number", min: 1, max: 65535, required: true });
  const description = input("node-description", { placeholder: "optional" });
  const query = input("node-query", { type: "checkbox" });
  const method = el("select", { "data-testid": "node-retrieve-method" }, el("option", { value: "C-MOVE" }, "C-MOVE"), el("option", { value: "C-GET" }, "C-GET"));
  const storeTo = input("node-store-to", { type: "checkbox" });
  const storeFrom = input("node-store-from", { type: "checkbox" });
  const tls = input("node-tls", { type: "checkbox" });
  const formError = el("div", { class: "form-error", "data-testid": "form-error", role: "alert", hidden: true });
  const formEcho = el("div", { class: "form-echo" });
  const heading = el("h2", {}, "Add a node");
  const save = el("button", { type: "submit", "data-testid": "node-save" }, "Save");
  const test = el("button", { type: "button", "data-testid": "node-test" }, "Test");
  const cancel = el("button", { type: "button", "data-testid": "node-cancel", hidden: true }, "Cancel");
  const field = (label: string, control: HTMLElement) => el("label", { class: "field" }, el("span", {}, label), control);
  const check = (control: HTMLElement, label: string) => el("label", { class: "check" }, control, label);
  const form = el(
    "form",
    { class: "node-form", "data-testid": "node-form", novalidate: true },
    heading,
    el("div", { class: "fields" }, field("Name", name), field("AE title", ae), field("Host", host), field("Port", port), field("Description", description)),
    el("div", { class: "fields" }, check(query, "We query and retrieve from it, by"), method, check(storeTo, "We send to it"), check(storeFrom, "It sends to us"), check(tls, "TLS")),
    formError,
    el("div", { class: "actions" }, save, test, cancel),
    formEcho,
  );
  root.replaceChildren(
    el("header", { class: "bar" }, el("a", { href: "/", class: "back", onclick: (e: Event) => { e.preventDefault(); back(); } }, "‹ Worklist"), el("h1", {}, "DICOM nodes")),
    el("main", { class: "nodes-page" }, body, status, form),
  );

  let editing: string | undefined;
  const request = new AbortController();

  function fill(node: DicomNode, edit: string | undefined): void {
    editing = edit;
    heading.textContent = edit ? `Edit ${edit}` : "Add a node";
    name.value = node.name;
    name.readOnly = edit !== undefined; // the name is the node's key: a new name is a new node
    ae.value = node.aeTitle;
    host.value = node.host;
    port.value = String(node.port);
    description.value = node.description;
    query.checked = node.query;
    method.value = node.retrieveMethod;
    storeTo.checked = node.storeTo;
    storeFrom.checked = node.storeFrom;
    tls.checked = node.tls;
    cancel.hidden = edit === undefined;
    showErrors({});
    formEcho.replaceChildren();
  }

  const formNode = (): DicomNode => ({
    name: name.value.trim(),
    aeTitle: ae.value.trim(),
    host: host.value.trim(),
    port: port.value === "" ? NaN : Number(port.value),
    query: query.checked,
    retrieveMethod: method.value === "C-GET" ? "C-GET" : "C-MOVE",
    storeTo: storeTo.checked,
    storeFrom: storeFrom.checked,
    tls: tls.checked,
    description: description.value.trim(),
  });

  const controls: Record<string, HTMLInputElement> = { name, aetitle: ae, host, port, description };
  /** Shows the messages by field (the form's own check, or the server's `errors`), marking the fields they name. */
  function showErrors(errors: Record<string, string[] | string | undefined>): void {
    const messages = Object.values(errors).flat().filter((m): m is string => Boolean(m));
    for (const control of Object.values(controls)) control.removeAttribute("aria-invalid");
    for (const key of Object.keys(errors)) controls[key.toLowerCase()]?.setAttribute("aria-invalid", "true");
    formError.hidden = messages.length === 0;
    formError.replaceChildren(...messages.map((m) => el("div", {}, m)));
  }

  /** The form's node when it is valid, else undefined with the problems shown. */
  function validNode(): DicomNode | undefined {
    const node = formNode();
    const problems = validateNode(node);
    showErrors(problems);
    return Object.keys(problems).length ? undefined : node;
  }

  function row(node: DicomNode): HTMLElement {
    const result = el("td", { colspan: 5, class: "echo-cell" });
    const echo = el("button", { type: "button", "data-testid": "node-echo", title: "C-ECHO: is it reachable, does it accept us?" }, "Test");
    echo.addEventListener("click", async () => {
      echo.disabled = true;
      result.replaceChildren(el("span", { class: "muted" }, `Testing ${node.aeTitle}@${node.host}:${node.port}…`));
      try {
        result.replaceChildren(echoView(await pacs.echo(node.name, { signal: request.signal }), node));
      } catch (error) {
        if (!request.signal.aborted) result.replaceChildren(echoFailure(error));
      }
      echo.disabled = false;
    });
    const edit = el("button", { type: "button", "data-testid": "node-edit", onclick: () => { fill(node, node.name); name.scrollIntoView({ block: "nearest" }); ae.focus(); } }, "Edit");
    const remove = el("button", { type: "button", "data-testid": "node-delete" }, "Delete");
    remove.addEventListener("click", async () => {
      if (!confirm(`Delete the node ${node.name}?`)) return;
      try {
        await pacs.deleteNode(node.name);
        if (editing === node.name) fill(emptyNode(), undefined);
        await load();
      } catch (error) {
        status.textContent = `${node.name} could not be deleted: ${describeError(error)}`;
      }
    });
    return el(
      "tbody",
      { "data-testid": "node-row", "data-node-name": node.name },
      el(
        "tr",
        {},
        el("td", { class: "node-name" }, node.name, node.description ? el("div", { class: "muted" }, node.description) : null),
        el("td", { class: "mono" }, node.aeTitle),
        el("td", { class: "mono" }, `${node.host}:${node.port}${node.tls ? " (TLS)" : ""}`),
        el("td", {}, describeDirections(node)),
        el("td", { class: "row-actions" }, echo, edit, remove),
      ),
      el("tr", { class: "echo-row" }, result),
    );
  }

  async function load(): Promise<void> {
    try {
      const nodes = await pacs.nodes({ signal: request.signal });
      nodes.sort((a, b) => a.name.localeCompare(b.name));
      const head = el("thead", {}, el("tr", {}, ...["Name", "AE title", "Address", "Used for", ""].map((h) => el("th", {}, h))));
      body.replaceChildren(el("table", { class: "nodes" }, head, ...nodes.map(row)));
      status.textContent = nodes.length ? "" : "No node yet: add the PACS (or any DICOM node) below.";
    } catch (error) {
      if (!request.signal.aborted) status.textContent = `The nodes could not be loaded: ${describeError(error)}`;
    }
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const node = validNode();
    if (!node) return;
    save.disabled = true;
    try {
      await pacs.saveNode(node);
      fill(emptyNode(), undefined);
      await load();
    } catch (error) {
      const errors = fieldErrors(error);
      showErrors(Object.keys(errors).length ? errors : { "": `Not saved: ${describeError(error)}` });
    }
    save.disabled = false;
  });
  test.addEventListener("click", async () => {
    const node = validNode();
    if (!node) return;
    test.disabled = true;
    formEcho.replaceChildren(el("span", { class: "muted" }, `Testing ${node.aeTitle}@${node.host}:${node.port}…`));
    try {
      formEcho.replaceChildren(echoView(await pacs.echoUnsaved(node, { signal: request.signal }), node));
    } catch (error) {
      const errors = fieldErrors(error);
      if (Object.keys(errors).length) {
        showErrors(errors);
        formEcho.replaceChildren();
      } else if (!request.signal.aborted) formEcho.replaceChildren(echoFailure(error));
    }
    test.disabled = false;
  });
  cancel.addEventListener("click", () => fill(emptyNode(), undefined));

  fill(emptyNode(), undefined);
  void load();
  return () => request.abort();
}
