{{/* Ingest's DICOM settings (the Dicom section; docs/archive.md "Ingest"). */}}
{{- define "isocenter.ingest.env" -}}
- name: Dicom__AETitle
  value: {{ .Values.ingest.dicom.aeTitle | quote }}
- name: Dicom__Address
  value: 0.0.0.0
- name: Dicom__Port
  value: {{ .Values.ingest.dicom.port | quote }}
{{- range $i, $peer := .Values.ingest.dicom.peers }}
- name: Dicom__Peers__{{ $i }}__AETitle
  value: {{ $peer.aeTitle | quote }}
- name: Dicom__Peers__{{ $i }}__Host
  value: {{ $peer.host | quote }}
- name: Dicom__Peers__{{ $i }}__Port
  value: {{ index $peer "port" | default 0 | quote }}
{{- end }}
{{- range $ae, $address := .Values.ingest.dicom.moveDestinations }}
- name: Dicom__MoveDestinations__{{ $ae }}
  value: {{ $address | quote }}
{{- end }}
{{- end -}}
