{{/* Chart name, overridable. */}}
{{- define "strata.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped base name for every resource. */}}
{{- define "strata.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "strata.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "strata.labels" -}}
helm.sh/chart: {{ include "strata.chart" . }}
{{ include "strata.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "strata.selectorLabels" -}}
app.kubernetes.io/name: {{ include "strata.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Selector labels of one process: pass (dict "root" $ "component" "api"). */}}
{{- define "strata.componentSelectorLabels" -}}
{{ include "strata.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "strata.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The Secret holding DATABASE_URL, STRATA_SIGNING_SECRET and STRATA_BOOTSTRAP_TOKEN. */}}
{{- define "strata.secretName" -}}
{{- default (include "strata.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/*
The Secret the migrate hook reads DATABASE_URL from. Hooks run before the release's ordinary resources exist,
so without an existing Secret the hook gets its own, created as a hook too.
*/}}
{{- define "strata.migrateSecretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else }}
{{- printf "%s-migrate" (include "strata.fullname" .) }}
{{- end }}
{{- end }}

{{- define "strata.databaseUrl" -}}
{{- required "database.url is required (or set secrets.existingSecret)" .Values.database.url }}
{{- end }}

{{- define "strata.claimName" -}}
{{- default (printf "%s-blobs" (include "strata.fullname" .)) .Values.persistence.existingClaim }}
{{- end }}

{{/* Settings shared by api and worker: they must agree on all of them. */}}
{{- define "strata.envFrom" -}}
- configMapRef:
    name: {{ include "strata.fullname" . }}
- secretRef:
    name: {{ include "strata.secretName" . }}
{{- end }}

{{/* Roll the pods when their configuration changes. */}}
{{- define "strata.configChecksums" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
checksum/secret: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end }}

{{- define "strata.blobVolume" -}}
- name: blobs
{{- if .Values.persistence.enabled }}
  persistentVolumeClaim:
    claimName: {{ include "strata.claimName" . }}
{{- else }}
  emptyDir: {}
{{- end }}
{{- end }}
