metadata description = 'Grants one principal a set of roles on a storage account, one assignment per role definition id.'

@description('Storage account to grant access to.')
param storageAccountName string

@description('Object id of the principal.')
param principalId string

@description('Kind of principal: the app identity is a ServicePrincipal, a deploying person a User.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param principalType string

@description('Role definition ids (GUIDs) to assign.')
param roleDefinitionIds string[]

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in roleDefinitionIds: {
    name: guid(storage.id, principalId, roleId)
    scope: storage
    properties: {
      principalId: principalId
      principalType: principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]
