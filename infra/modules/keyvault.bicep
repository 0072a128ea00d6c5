// Key Vault for the hub's secrets (the key that encrypts partner secrets at rest, the first provincial-centre partner's
// secret): RBAC only, soft delete, purge protection in production. The app reads them through Key Vault references;
// the operator who deploys sets them (Key Vault Secrets Officer).

param name string
param location string
param tags object

@description('Days a deleted secret can be recovered.')
@minValue(7)
@maxValue(90)
param softDeleteDays int

@description('Purge protection: a deleted vault or secret cannot be purged before its retention ends (production).')
param purgeProtection bool

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteDays
    enablePurgeProtection: purgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: { bypass: 'AzureServices', defaultAction: 'Allow' }
  }
}

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
