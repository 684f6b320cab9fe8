metadata description = 'TaskFunctions on Azure (azd template): resource group, Flex Consumption function app, storage, Key Vault and monitoring, all reached with one user-assigned identity.'

targetScope = 'subscription'

@description('azd environment name; names the resource group and seeds resource names.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Region for every resource (must offer Flex Consumption).')
@minLength(1)
@metadata({ azd: { type: 'location' } })
param location string

@description('Object id of the person or pipeline running azd; gets storage data access for local runs and diagnostics. Empty skips it.')
param principalId string = ''

@description('Kind of principal behind principalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Durable Task hub name (letters and digits, starting with a letter).')
@minLength(3)
@maxLength(45)
param taskHubName string = 'TaskFunctions'

@description('Expected JWT issuer (iss).')
@minLength(1)
param authIssuer string

@description('Expected JWT audience (aud).')
@minLength(1)
param authAudience string

@description('OpenID Connect authority whose discovery document supplies the JWT signing keys.')
@minLength(1)
param authAuthority string

@description('fal.ai API key.')
@secure()
@minLength(1)
param falApiKey string

@description('Replicate API token.')
@secure()
@minLength(1)
param replicateApiToken string

@description('OpenAI API key.')
@secure()
@minLength(1)
param openAiApiKey string

@description('Secret signing outgoing webhook calls.')
@secure()
@minLength(1)
param webhookSigningSecret string

@description('Turn on Key Vault purge protection (irreversible for the vault).')
param keyVaultEnablePurgeProtection bool = true

var serviceName = 'api'
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var deploymentContainerName = 'app-package'

// Built-in role definition ids. Queue and Table are required by Durable's Azure Storage backend.
var storageDataRoleIds = [
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe' // Storage Blob Data Owner
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor
]

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'core/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    containerNames: [
      deploymentContainerName
      'generations'
      'editings'
      'refines'
      'experimental-fal'
      'video-generations'
      'llm-interactions'
      'background-removals'
      'detail-enhancements'
      'background-fixes'
      'image-adjustments'
      'face-enhancements'
      'task-documents'
    ]
    // The global index table; per-tenant index tables (taskindext<hash>) are created by the app on first write.
    // 'idempotency' holds the Idempotency-Key reservations of creates.
    tableNames: [
      'tasks'
      'taskindexall'
      'idempotency'
    ]
  }
}

module appStorageAccess 'core/storage-access.bicep' = {
  name: 'app-storage-access'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    principalId: identity.outputs.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionIds: storageDataRoleIds
  }
}

module userStorageAccess 'core/storage-access.bicep' = if (!empty(principalId)) {
  name: 'user-storage-access'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    principalId: principalId
    principalType: principalType
    roleDefinitionIds: storageDataRoleIds
  }
}

module monitoring 'core/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
    publisherPrincipalId: identity.outputs.principalId
  }
}

module keyVault 'core/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    readerPrincipalId: identity.outputs.principalId
    enablePurgeProtection: keyVaultEnablePurgeProtection
    // Names follow the app's configuration keys with "--" for ":" (Key Vault allows no "_" or ":").
    secrets: {
      'Providers--Fal--ApiKey': falApiKey
      'Providers--Replicate--ApiToken': replicateApiToken
      'Providers--OpenAI--ApiKey': openAiApiKey
      'Webhooks--SigningSecret': webhookSigningSecret
    }
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: 'func-${resourceToken}'
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    serviceName: serviceName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    blobServiceUri: storage.outputs.blobServiceUri
    queueServiceUri: storage.outputs.queueServiceUri
    tableServiceUri: storage.outputs.tableServiceUri
    deploymentContainerName: deploymentContainerName
    keyVaultName: keyVault.outputs.name
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    taskHubName: taskHubName
    authIssuer: authIssuer
    authAudience: authAudience
    authAuthority: authAuthority
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_USER_ASSIGNED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
