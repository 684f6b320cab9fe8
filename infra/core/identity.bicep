metadata description = 'The one user-assigned managed identity the function app uses for storage, Key Vault and Application Insights.'

@description('Identity name.')
param name string

@description('Azure region.')
param location string

@description('Resource tags.')
param tags { *: string }

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id, for identity blocks and Flex deployment storage authentication.')
output id string = identity.id

@description('Client id, for AzureWebJobsStorage__clientId and the SDK credentials.')
output clientId string = identity.properties.clientId

@description('Object id, for role assignments.')
output principalId string = identity.properties.principalId
