{{/* The gateway's settings: authentication, admins, forwarded headers and the destinations of its clusters. */}}
{{- define "isocenter.gateway.env" -}}
{{- $g := .Values.gateway -}}
{{- if not (or $g.auth.authority $g.auth.developmentKey) }}
{{- fail "gateway.auth: set an OIDC authority or keep developmentKey: the gateway refuses to start with neither" }}
{{- end }}
{{- with $g.auth.authority }}
- name: Gateway__Auth__Authority
  value: {{ . | quote }}
{{- end }}
- name: Gateway__Auth__Audience
  value: {{ $g.auth.audience | quote }}
- name: Gateway__Auth__RequireHttpsMetadata
  value: {{ $g.auth.requireHttpsMetadata | quote }}
{{- if $g.auth.developmentKey }}
{{ include "isocenter.secretEnv" (dict "root" . "env" "Gateway__Auth__SigningKey" "key" "gatewaySigningKey") }}
{{- end }}
{{- range $i, $admin := $g.admins }}
- name: Gateway__Admins__{{ $i }}
  value: {{ $admin | quote }}
{{- end }}
{{- range $i, $network := $g.forwardedHeaders.knownNetworks }}
- name: Gateway__ForwardedHeaders__KnownNetworks__{{ $i }}
  value: {{ $network | quote }}
{{- end }}
- name: Gateway__ForwardedHeaders__ForwardLimit
  value: {{ $g.forwardedHeaders.forwardLimit | quote }}
{{- range $cluster := list "dicomweb" "pacs" "review" }}
{{- if (index $.Values $cluster).enabled }}
- name: ReverseProxy__Clusters__{{ $cluster }}__Destinations__{{ $cluster }}__Address
  value: {{ printf "http://%s:%v/" (include "isocenter.name" (dict "root" $ "name" $cluster)) (index $.Values $cluster).port | quote }}
{{- end }}
{{- end }}
{{- if .Values.render.enabled }}
{{- /*
One destination per render pod that can exist (the HPA's maximum, else replicas), by its stable name; pods that do not
exist (yet) fail YARP's active health check and are left out of the choice until they answer.
*/}}
{{- $render := include "isocenter.component" (dict "root" . "name" "render") | fromYaml }}
{{- $pods := ternary $render.autoscaling.maxReplicas $render.replicas $render.autoscaling.enabled }}
{{- $name := include "isocenter.name" (dict "root" . "name" "render") }}
{{- range $i := until (int $pods) }}
- name: ReverseProxy__Clusters__render__Destinations__render-{{ $i }}__Address
  value: {{ printf "http://%s-%d.%s-headless.%s.svc:%v/" $name $i $name $.Release.Namespace $.Values.render.port | quote }}
{{- end }}
- name: ReverseProxy__Clusters__render__HealthCheck__Active__Enabled
  value: "true"
- name: ReverseProxy__Clusters__render__HealthCheck__Active__Interval
  value: "00:00:05"
- name: ReverseProxy__Clusters__render__HealthCheck__Active__Timeout
  value: "00:00:02"
- name: ReverseProxy__Clusters__render__HealthCheck__Active__Policy
  value: ConsecutiveFailures
- name: ReverseProxy__Clusters__render__HealthCheck__Active__Path
  value: /alive
{{- end }}
{{- end -}}
