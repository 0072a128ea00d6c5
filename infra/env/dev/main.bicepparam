// Development: small and cheap (one instance always ready: the Durable Task worker runs in it), data kept briefly, vault purgeable.
using '../../main.bicep'

param environmentName = 'dev'
param operatorEmails = ['hub-dev-operators@example.gov.cn']
param operatorPrincipalId = readEnvironmentVariable('HUB_OPERATOR_PRINCIPAL_ID', '')
param operatorPrincipalType = readEnvironmentVariable('HUB_OPERATOR_PRINCIPAL_TYPE', 'User')
param storageSku = 'Standard_LRS'
param softDeleteDays = 7
param maximumInstanceCount = 4
param instanceMemoryMB = 2048
param alwaysReadyHttp = 1
param logRetentionDays = 30
param logDailyCapGb = 1
param purgeProtection = false
