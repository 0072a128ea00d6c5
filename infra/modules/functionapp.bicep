// The Function App on the Flex Consumption plan, running the hub as a custom handler (host.json customHandler: the
// self-contained Integration.Functions executable). System-assigned identity; no keys anywhere: storage, Event Grid,
// Application Insights and Key Vault are all reached with that identity (roles.bicep grants what it needs).

param name string
param location string
param tags object

param storageAccountName string
param storageBlobEndpoint string
param deploymentContainer string
param insightsConnectionString string
param vaultName string
param eventGridEndpoint string

@description('Storage connections the triggers name in function.json ("connection"): each reaches the account with the identity.')
param storageConnections string[]

@description('The hub\'s settings beyond the wiring above (Hub__..., see docs/operations.md "Configuration").')
param hubSettings object

@description('Instances the plan may scale out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('Instances kept warm for HTTP, at least 1: the Durable Task worker runs inside the hub and must keep running for complaint deadlines to fire (the platform does not scale a custom handler on its control queues).')
@minValue(1)
param alwaysReadyHttp int

@description('The Durable Task hub: its tables, queues and lease rows in the storage account (Hub__Durable__TaskHub).')
param taskHubName string

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: '${name}-plan'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

// The wiring: where storage, telemetry, secrets and the Event Grid topic are. Secrets are Key Vault references.
var wiring = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  APPLICATIONINSIGHTS_CONNECTION_STRING: insightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
  ASPNETCORE_ENVIRONMENT: 'Production'
  Hub__Storage__ConnectionString: ''
  Hub__Storage__AccountName: storageAccountName
  Hub__Storage__EndpointSuffix: environment().suffixes.storage
  Hub__Durable__TaskHub: taskHubName
  Hub__Secrets__Key: '@Microsoft.KeyVault(VaultName=${vaultName};SecretName=hub-secrets-key)'
  Hub__Admin__Secret: '@Microsoft.KeyVault(VaultName=${vaultName};SecretName=hub-admin-secret)'
  Hub__Alerts__EventGridEndpoint: eventGridEndpoint
  // TLS ends at the platform's front end; the Functions host forwards each HTTP request to the hub from loopback with
  // the front end's X-Forwarded-For/-Proto/-Host. The hub believes those headers from the host only (the console's
  // cookies are Secure: without the forwarded proto every console page would say HTTPS is needed).
  Hub__ForwardedHeaders__KnownProxies: '127.0.0.1,::1'
}

// The triggers' connections (function.json "connection"), identity-based: <name>__accountName.
var connections = toObject(storageConnections, c => '${c}__accountName', c => storageAccountName)

resource app 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [
        for setting in items(union(hubSettings, connections, wiring)): { name: setting.key, value: setting.value }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainer}'
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: [{ name: 'http', instanceCount: alwaysReadyHttp }]
      }
      runtime: { name: 'custom', version: '1.0' }
    }
  }
}

// No publishing with user names and passwords: deployments sign in with Microsoft Entra ID.
resource ftp 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: app
  name: 'ftp'
  properties: { allow: false }
}

resource scm 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: app
  name: 'scm'
  properties: { allow: false }
}

output name string = app.name
output principalId string = app.identity.principalId
output hostName string = app.properties.defaultHostName
