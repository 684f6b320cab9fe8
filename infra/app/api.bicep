metadata description = 'The Tasks API: a Flex Consumption (FC1) plan and a .NET 10 isolated function app that reaches storage, Key Vault and Application Insights with one user-assigned identity.'

@description('Function app name.')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Azure region.')
param location string

@description('Tags for the plan; the app adds azd-service-name.')
param tags { *: string }

@description('azd service name (azure.yaml) the app is tagged with.')
param serviceName string

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

@description('Blob endpoint of the storage account, with a trailing slash.')
param blobServiceUri string

@description('Queue endpoint of the storage account, with a trailing slash.')
param queueServiceUri string

@description('Table endpoint of the storage account, with a trailing slash.')
param tableServiceUri string

@description('Blob container holding the deployment package.')
param deploymentContainerName string

@description('Key Vault holding the secrets referenced from app settings.')
param keyVaultName string

@description('Application Insights connection string.')
param applicationInsightsConnectionString string

@description('Durable Task hub name.')
param taskHubName string

@description('Expected JWT issuer.')
param authIssuer string

@description('Expected JWT audience.')
param authAudience string

@description('OpenID Connect authority supplying the JWT signing keys.')
param authAuthority string

@description('Most instances Flex Consumption scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory per instance.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobServiceUri}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Identity-based connections only: the storage account refuses shared keys, App Insights refuses its key.
resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: app
  name: 'appsettings'
  properties: {
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: blobServiceUri
    AzureWebJobsStorage__queueServiceUri: queueServiceUri
    AzureWebJobsStorage__tableServiceUri: tableServiceUri
    Storage__BlobServiceUri: blobServiceUri
    Storage__QueueServiceUri: queueServiceUri
    Storage__TableServiceUri: tableServiceUri
    Storage__ManagedIdentityClientId: identityClientId
    TASKHUB_NAME: taskHubName
    Auth__Issuer: authIssuer
    Auth__Audience: authAudience
    Auth__Authority: authAuthority
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    Providers__Fal__ApiKey: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=Providers--Fal--ApiKey)'
    // The fal app of each kind and what the default REFINE app can do (same values as local.settings.sample.json).
    Providers__Fal__GenerationAppId: 'fal-ai/flux/dev'
    Providers__Fal__EditingAppId: 'fal-ai/flux-pro/kontext'
    Providers__Fal__RefineAppId: 'fal-ai/clarity-upscaler'
    Providers__Fal__VideoAppId: 'fal-ai/kling-video/v2.1/standard/text-to-video'
    Providers__Fal__ImageToVideoAppId: 'fal-ai/kling-video/v2.1/standard/image-to-video'
    Providers__Fal__LlmAppId: 'fal-ai/any-llm'
    Providers__Fal__VisionLlmAppId: 'fal-ai/any-llm/vision'
    Providers__Fal__BackgroundRemovalAppId: 'fal-ai/birefnet/v2'
    Providers__Fal__DetailEnhancerAppId: 'fal-ai/flux-pro/kontext/max/multi'
    Providers__Fal__FaceEnhancerAppId: 'fal-ai/codeformer'
    Providers__Fal__FaceDetailAppId: 'fal-ai/flux/dev/image-to-image'
    Providers__Fal__Capabilities__REFINE: 'UPSCALE_2X,UPSCALE_4X,UPSCALE_FLOAT,OUTPUT_SIZE'
    // Replicate models and OpenAI models per kind (same values as local.settings.sample.json). ComfyUI is the team's own
    // server: set Providers__ComfyUI__BaseUrl, __Workflows__* and (as a Key Vault reference) __ApiKey on the app yourself.
    Providers__Replicate__Models__GENERATION: 'black-forest-labs/flux-dev'
    Providers__Replicate__Models__EDITING: 'black-forest-labs/flux-kontext-pro'
    Providers__Replicate__Models__REFINE: 'nightmareai/real-esrgan:f121d640bd286e1fdc67f9799164c1d5be36ff74576ee11c803ae5b665dd46aa'
    Providers__Replicate__Models__VIDEO_GENERATION: 'minimax/video-01'
    Providers__Replicate__Models__LLM_INTERACTION: 'meta/meta-llama-3-8b-instruct'
    Providers__Replicate__Models__BACKGROUND_REMOVAL: '851-labs/background-remover:a029dff38972b5fda4ec5d75d7d1cd25aeff621d2cf4946a41055d7db66b80bc'
    Providers__Replicate__Models__DETAIL_ENHANCER: 'flux-kontext-apps/multi-image-kontext-pro'
    Providers__Replicate__Models__FACE_ENHANCER: 'sczhou/codeformer:7de2ea26c616d5bf2245ad0d5e24f0ff9a6204578a5c876db53142edd9d2cd56'
    Providers__Replicate__Capabilities__REFINE: 'UPSCALE_2X,UPSCALE_4X,UPSCALE_8X,UPSCALE_FLOAT,OUTPUT_SIZE'
    Providers__OpenAI__Models__LLM_INTERACTION: 'gpt-4o-mini'
    Providers__OpenAI__Models__GENERATION: 'gpt-image-1'
    Providers__OpenAI__Models__EDITING: 'gpt-image-1'
    FaceQuality__MinSsim: '0.85'
    FaceQuality__MaxAttempts: '3'
    Providers__Replicate__ApiToken: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=Providers--Replicate--ApiToken)'
    Providers__OpenAI__ApiKey: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=Providers--OpenAI--ApiKey)'
    Webhooks__SigningSecret: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=Webhooks--SigningSecret)'
  }
}

@description('Function app name.')
output name string = app.name

@description('Function app base URL.')
output uri string = 'https://${app.properties.defaultHostName}'
