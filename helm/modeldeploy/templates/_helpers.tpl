{{- define "modeldeploy.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "modeldeploy.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "modeldeploy.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "modeldeploy.serviceAccountName" -}}
{{- default (include "modeldeploy.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{/* The rules the operator needs on the namespaces it watches: exactly the API calls it makes. */}}
{{- define "modeldeploy.watchRules" -}}
- apiGroups: [serving.modeldeploy.io]
  resources: [modeldeployments]
  verbs: [get, list, watch]
- apiGroups: [serving.modeldeploy.io]
  resources: [modeldeployments/status]
  verbs: [get, patch, update]
# Once per ModelDeployment: carries the count of an autoscaler made by an earlier version, which scaled the
# Deployment, over to the ModelDeployment before the autoscaler is pointed at it.
- apiGroups: [serving.modeldeploy.io]
  resources: [modeldeployments/scale]
  verbs: [get, update]
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, list, watch, create, patch, update, delete]
- apiGroups: [apps]
  resources: [replicasets]
  verbs: [list]
- apiGroups: [""]
  resources: [services]
  verbs: [get, list, watch, create, patch, update, delete]
- apiGroups: [autoscaling]
  resources: [horizontalpodautoscalers]
  verbs: [get, list, watch, create, patch, update, delete]
- apiGroups: [gateway.networking.k8s.io]
  resources: [httproutes, grpcroutes]
  verbs: [get, list, watch, create, patch, update, delete]
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch]
# Which pods its Services' traffic reaches: a canary gets route weight once they list its pods.
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
- apiGroups: [""]
  resources: [events]
  verbs: [create]
{{- end -}}
