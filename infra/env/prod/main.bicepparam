// Production: zone-redundant storage, one warm instance for partners' webhooks, 30 days to undo a deletion, purge
// protection on the vault. Set operatorEmails and operatorPrincipalId before the first deployment.
using '../../main.bicep'

param environmentName = 'prod'
param operatorEmails = ['hub-operators@example.gov.cn']
param operatorPrincipalId = readEnvironmentVariable('HUB_OPERATOR_PRINCIPAL_ID', '')
param operatorPrincipalType = readEnvironmentVariable('HUB_OPERATOR_PRINCIPAL_TYPE', 'Group')
param storageSku = 'Standard_ZRS'
param softDeleteDays = 30
param maximumInstanceCount = 40
param instanceMemoryMB = 2048
param alwaysReadyHttp = 1
param logRetentionDays = 90
param logDailyCapGb = -1
param purgeProtection = true
