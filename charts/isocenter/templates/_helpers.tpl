{{/* Names and labels. */}}
{{- define "isocenter.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* A component's resource name: (dict "root" $ "name" "ingest") → RELEASE-isocenter-ingest. */}}
{{- define "isocenter.name" -}}
{{- printf "%s-%s" (include "isocenter.fullname" .root) .name -}}
{{- end -}}

{{- define "isocenter.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "isocenter.labels" -}}
{{ include "isocenter.selectorLabels" . }}
app.kubernetes.io/part-of: isocenter
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* The Secret holding the credentials: yours (secrets.existingSecret) or the chart's. */}}
{{- define "isocenter.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-credentials" (include "isocenter.fullname" .)) -}}
{{- end -}}

{{/* A component's values: `defaults` with its own block merged over them. */}}
{{- define "isocenter.component" -}}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.defaults) (deepCopy (index .root.Values .name))) -}}
{{- end -}}

{{/* A component's image. */}}
{{- define "isocenter.image" -}}
{{- printf "%s/isocenter-%s:%s" .root.Values.image.registry .name (.root.Values.image.tag | default .root.Chart.AppVersion) -}}
{{- end -}}

{{/* Dependencies' addresses: bundled (this release's Services) or external. */}}
{{- define "isocenter.postgresHost" -}}
{{- if .Values.postgresql.bundled -}}{{ include "isocenter.name" (dict "root" . "name" "postgresql") }}{{- else -}}{{ required "postgresql.host is required when postgresql.bundled is false" .Values.postgresql.host }}{{- end -}}
{{- end -}}
{{- define "isocenter.rabbitmqHost" -}}
{{- if .Values.rabbitmq.bundled -}}{{ include "isocenter.name" (dict "root" . "name" "rabbitmq") }}{{- else -}}{{ required "rabbitmq.host is required when rabbitmq.bundled is false" .Values.rabbitmq.host }}{{- end -}}
{{- end -}}
{{- define "isocenter.objectStoreEndpoint" -}}
{{- if .Values.objectStore.bundled -}}{{ printf "http://%s:9000" (include "isocenter.name" (dict "root" . "name" "minio")) }}{{- else -}}{{ required "objectStore.endpoint is required when objectStore.bundled is false" .Values.objectStore.endpoint }}{{- end -}}
{{- end -}}

{{- define "isocenter.secretEnv" -}}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ include "isocenter.secretName" .root }}
      key: {{ index .root.Values.secrets.keys .key }}
{{- end -}}

{{/* The settings every service reads: the index, the bus, the object store, OpenTelemetry. */}}
{{- define "isocenter.commonEnv" -}}
{{- $v := .Values -}}
{{ include "isocenter.secretEnv" (dict "root" . "env" "ISOCENTER_DATABASE_PASSWORD" "key" "databasePassword") }}
{{ include "isocenter.secretEnv" (dict "root" . "env" "ISOCENTER_BROKER_PASSWORD" "key" "brokerPassword") }}
- name: ConnectionStrings__Index
  value: {{ printf "Host=%s;Port=%v;Username=%s;Password=$(ISOCENTER_DATABASE_PASSWORD);Database=%s" (include "isocenter.postgresHost" .) $v.postgresql.port $v.postgresql.username $v.postgresql.database | quote }}
- name: ConnectionStrings__RabbitMq
  value: {{ printf "amqp://%s:$(ISOCENTER_BROKER_PASSWORD)@%s:%v/%s" $v.rabbitmq.username (include "isocenter.rabbitmqHost" .) $v.rabbitmq.port (trimPrefix "/" $v.rabbitmq.vhost) | quote }}
- name: ObjectStore__Kind
  value: S3
- name: ObjectStore__Endpoint
  value: {{ include "isocenter.objectStoreEndpoint" . | quote }}
- name: ObjectStore__Bucket
  value: {{ $v.objectStore.bucket | quote }}
{{- with $v.objectStore.region }}
- name: ObjectStore__Region
  value: {{ . | quote }}
{{- end }}
{{ include "isocenter.secretEnv" (dict "root" . "env" "ObjectStore__AccessKey" "key" "objectStoreAccessKey") }}
{{ include "isocenter.secretEnv" (dict "root" . "env" "ObjectStore__SecretKey" "key" "objectStoreSecretKey") }}
{{- with $v.otel.endpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
- name: OTEL_EXPORTER_OTLP_PROTOCOL
  value: {{ $v.otel.protocol | quote }}
{{- end }}
{{- end -}}

{{- define "isocenter.probe" -}}
httpGet:
  path: {{ .path }}
  port: http
initialDelaySeconds: {{ .initialDelaySeconds }}
periodSeconds: {{ .periodSeconds }}
timeoutSeconds: {{ .timeoutSeconds }}
failureThreshold: {{ .failureThreshold }}
{{- end -}}

{{/*
The workload of a service: (dict "root" $ "name" "ingest" "kind" "Deployment"|"StatefulSet" "env" "<yaml list>"
"ports" "<yaml list of extra container ports>" "gpu" true|false). The component's block gives replicas, resources,
probes, security contexts, scheduling and extraEnv.
*/}}
{{- define "isocenter.workload" -}}
{{- $root := .root -}}
{{- $c := include "isocenter.component" . | fromYaml -}}
{{- $resources := deepCopy ($c.resources | default dict) -}}
{{- $nodeSelector := $c.nodeSelector | default dict -}}
{{- $tolerations := $c.tolerations | default list -}}
{{- if (index . "gpu") -}}
{{- $limits := $resources.limits | default dict -}}
{{- $_ := set $limits $c.gpu.resourceName (int $c.gpu.count) -}}
{{- $_ := set $resources "limits" $limits -}}
{{- $nodeSelector = merge (deepCopy $nodeSelector) ($c.gpu.nodeSelector | default dict) -}}
{{- $tolerations = concat $tolerations ($c.gpu.tolerations | default list) -}}
{{- end -}}
apiVersion: apps/v1
kind: {{ .kind }}
metadata:
  name: {{ include "isocenter.name" . }}
  labels:
    {{- include "isocenter.labels" . | nindent 4 }}
spec:
  {{- if not $c.autoscaling.enabled }}
  replicas: {{ $c.replicas }}
  {{- end }}
  {{- if eq .kind "StatefulSet" }}
  serviceName: {{ include "isocenter.name" . }}-headless
  podManagementPolicy: Parallel
  {{- end }}
  selector:
    matchLabels:
      {{- include "isocenter.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "isocenter.labels" . | nindent 8 }}
      {{- with $c.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      automountServiceAccountToken: false
      securityContext:
        {{- toYaml $c.podSecurityContext | nindent 8 }}
      {{- if and (index . "gpu") $c.gpu.runtimeClassName }}
      runtimeClassName: {{ $c.gpu.runtimeClassName }}
      {{- end }}
      containers:
        - name: {{ .name }}
          image: {{ include "isocenter.image" . }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ $c.port }}
              protocol: TCP
            {{- with (index . "ports") }}
            {{- . | trim | nindent 12 }}
            {{- end }}
          env:
            - name: ASPNETCORE_HTTP_PORTS
              value: {{ $c.port | quote }}
            {{- include "isocenter.commonEnv" $root | nindent 12 }}
            {{- with (index . "env") }}
            {{- . | trim | nindent 12 }}
            {{- end }}
            {{- with $c.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          livenessProbe:
            {{- include "isocenter.probe" $c.probes.liveness | nindent 12 }}
          readinessProbe:
            {{- include "isocenter.probe" $c.probes.readiness | nindent 12 }}
          startupProbe:
            {{- include "isocenter.probe" $c.probes.startup | nindent 12 }}
          resources:
            {{- toYaml $resources | nindent 12 }}
          securityContext:
            {{- toYaml $c.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir: {}
      {{- with $nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $c.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}

{{/* A component's ClusterIP Service on its HTTP port (named http: probes, the gateway, ServiceMonitor). */}}
{{- define "isocenter.service" -}}
{{- $c := include "isocenter.component" . | fromYaml -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "isocenter.name" . }}{{ (index . "suffix") | default "" }}
  labels:
    {{- include "isocenter.labels" . | nindent 4 }}
spec:
  {{- if (index . "headless") }}
  clusterIP: None
  {{- end }}
  selector:
    {{- include "isocenter.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ $c.port }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{/* HorizontalPodAutoscaler and PodDisruptionBudget of a component, when its values turn them on. */}}
{{- define "isocenter.scaling" -}}
{{- $c := include "isocenter.component" . | fromYaml -}}
{{- if $c.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "isocenter.name" . }}
  labels:
    {{- include "isocenter.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: {{ .kind | default "Deployment" }}
    name: {{ include "isocenter.name" . }}
  minReplicas: {{ $c.autoscaling.minReplicas }}
  maxReplicas: {{ $c.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $c.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- if $c.pdb.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "isocenter.name" . }}
  labels:
    {{- include "isocenter.labels" . | nindent 4 }}
spec:
  minAvailable: {{ $c.pdb.minAvailable }}
  selector:
    matchLabels:
      {{- include "isocenter.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{/*
A component's NetworkPolicy: ingress to its HTTP port from the gateway (when .fromGateway), metrics from the monitoring
namespaces; .extra: more ingress rules (yaml list).
*/}}
{{- define "isocenter.networkPolicy" -}}
{{- if .root.Values.networkPolicy.enabled -}}
{{- $c := include "isocenter.component" . | fromYaml -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "isocenter.name" . }}
  labels:
    {{- include "isocenter.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "isocenter.selectorLabels" . | nindent 6 }}
  policyTypes: [Ingress]
  ingress:
    - ports:
        - port: http
      from:
        - namespaceSelector:
            {{- toYaml .root.Values.networkPolicy.metricsNamespaceSelector | nindent 12 }}
        {{- if (index . "fromGateway") }}
        - podSelector:
            matchLabels:
              {{- include "isocenter.selectorLabels" (dict "root" .root "name" "gateway") | nindent 14 }}
        {{- end }}
    {{- with (index . "extra") }}
    {{- . | nindent 4 }}
    {{- end }}
{{- end -}}
{{- end -}}

{{/* Ingress to a bundled dependency's port from this release's services (and its own init jobs). */}}
{{- define "isocenter.dependencyPolicy" -}}
{{- if .root.Values.networkPolicy.enabled -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "isocenter.name" . }}
  labels:
    {{- include "isocenter.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "isocenter.selectorLabels" . | nindent 6 }}
  policyTypes: [Ingress]
  ingress:
    - ports:
        - port: {{ .port }}
      from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/instance: {{ .root.Release.Name }}
              app.kubernetes.io/part-of: isocenter
{{- end -}}
{{- end -}}

{{/*
A bundled dependency: a single-replica StatefulSet of its official image with a volume claim, and its Service.
(dict "root" $ "name" "postgresql" "values" .Values.postgresql "port" 5432 "dataPath" "/var/lib/postgresql/data"
"env" "<yaml list>" "args" "<yaml list>" "probe" "<yaml probe handler>")
*/}}
{{- define "isocenter.dependency" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "isocenter.name" . }}
  labels:
    {{- include "isocenter.labels" . | nindent 4 }}
spec:
  selector:
    {{- include "isocenter.selectorLabels" . | nindent 4 }}
  ports:
    - name: main
      port: {{ .port }}
      targetPort: main
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ include "isocenter.name" . }}
  labels:
    {{- include "isocenter.labels" . | nindent 4 }}
spec:
  replicas: 1
  serviceName: {{ include "isocenter.name" . }}
  selector:
    matchLabels:
      {{- include "isocenter.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "isocenter.labels" . | nindent 8 }}
    spec:
      automountServiceAccountToken: false
      securityContext:
        fsGroup: {{ .fsGroup }}
        seccompProfile: { type: RuntimeDefault }
      containers:
        - name: {{ .name }}
          image: {{ .values.image }}
          {{- with (index . "args") }}
          args:
            {{- . | trim | nindent 12 }}
          {{- end }}
          ports:
            - name: main
              containerPort: {{ .port }}
          env:
            {{- (index . "env") | nindent 12 }}
          readinessProbe:
            {{- .probe | nindent 12 }}
            periodSeconds: 10
          livenessProbe:
            {{- .probe | nindent 12 }}
            periodSeconds: 20
            failureThreshold: 6
            initialDelaySeconds: 30
          resources:
            {{- toYaml .values.resources | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
          volumeMounts:
            - name: data
              mountPath: {{ .dataPath }}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        {{- with .values.storage.storageClass }}
        storageClassName: {{ . }}
        {{- end }}
        resources:
          requests:
            storage: {{ .values.storage.size }}
{{- end -}}
