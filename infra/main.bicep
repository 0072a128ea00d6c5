// The whole hub in one resource group: storage, the Function App on Flex Consumption (custom handler), Application
// Insights on Log Analytics with the operators' Action Group, the Event Grid topic for alerts and the Key Vault for
// secrets, wired together with managed identity and least-privilege roles. Deploy: infra/README.md.
targetScope = 'resourceGroup'

@description('Environment: names and sizes (see env/<name>/main.bicepparam).')
@allowed(['dev', 'prod'])
param environmentName string

@description('Azure region (default: the resource group\'s).')
param location string = resourceGroup().location

@description('Start of every resource name (lower-case letters and digits, 3-10).')
@minLength(3)
@maxLength(10)
param namePrefix string = 'vbphub'

@description('Operators mailed when a poison queue or the alert dead-letter store is not empty.')
param operatorEmails string[]

@description('Object id of the user or group that deploys and sets the secrets (Key Vault Secrets Officer); empty: none.')
param operatorPrincipalId string = ''

@allowed(['User', 'Group', 'ServicePrincipal'])
param operatorPrincipalType string = 'Group'

@description('The first provincial-centre partner (its secret is the Key Vault secret hub-admin-secret).')
param adminPartnerId string = 'province-admin'
param adminEntityCode string = 'province'

@description('Storage replication.')
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GZRS'])
param storageSku string = 'Standard_ZRS'

@description('Days deleted blobs, containers and secrets can be restored.')
@minValue(7)
@maxValue(90)
param softDeleteDays int = 30

param maximumInstanceCount int = 40

@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Instances always ready (at least 1: the Durable Task worker inside the hub runs the complaint deadlines).')
@minValue(1)
param alwaysReadyHttp int = 1

@description('The Durable Task hub name (letters and digits): a new name starts with no orchestrations, so keep it across deployments.')
param taskHubName string = 'hub'
param logRetentionDays int = 90
param logDailyCapGb int = -1
param purgeProtection bool = true

@description('Further hub settings (Hub__..., docs/operations.md "Configuration"), e.g. {"Hub__Complaints__ReplyWorkingDays": "7"}.')
param hubSettings object = {}

var layout = loadJsonContent('hub-layout.json')
var suffix = take(uniqueString(resourceGroup().id, environmentName), 6)
var tags = {
  application: 'vbp-integration-hub'
  environment: environmentName
}
var deploymentContainer = 'app-package'
var names = {
  storage: '${namePrefix}${environmentName}${suffix}'
  topic: '${namePrefix}-${environmentName}-alerts-${suffix}'
  vault: '${namePrefix}-${environmentName}-kv-${suffix}'
  app: '${namePrefix}-${environmentName}-${suffix}'
  monitoring: '${namePrefix}-${environmentName}'
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    tables: layout.tables
    containers: layout.containers
    queues: layout.queues
    softDeleteDays: softDeleteDays
    sku: storageSku
    deploymentContainer: deploymentContainer
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    namePrefix: names.monitoring
    location: location
    tags: tags
    retentionDays: logRetentionDays
    dailyCapGb: logDailyCapGb
    operatorEmails: operatorEmails
  }
}

module eventGrid 'modules/eventgrid.bicep' = {
  name: 'eventgrid'
  params: {
    name: names.topic
    location: location
    tags: tags
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: names.vault
    location: location
    tags: tags
    softDeleteDays: softDeleteDays
    purgeProtection: purgeProtection
  }
}

module app 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: names.app
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainer: deploymentContainer
    storageConnections: layout.connections
    insightsConnectionString: monitoring.outputs.connectionString
    vaultName: vault.outputs.name
    eventGridEndpoint: eventGrid.outputs.endpoint
    hubSettings: union(layout.settings, {
      Hub__Admin__PartnerId: adminPartnerId
      Hub__Admin__EntityCode: adminEntityCode
    }, hubSettings)
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    alwaysReadyHttp: alwaysReadyHttp
    taskHubName: taskHubName
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  dependsOn: [storage, eventGrid, vault, monitoring, app]
  params: {
    storageAccountName: names.storage
    topicName: names.topic
    vaultName: names.vault
    insightsName: '${names.monitoring}-insights'
    appName: names.app
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
  }
}

output functionAppName string = app.outputs.name
output hubUrl string = 'https://${app.outputs.hostName}/api'
output storageAccountName string = storage.outputs.name
output vaultName string = vault.outputs.name
output eventGridTopic string = eventGrid.outputs.name
