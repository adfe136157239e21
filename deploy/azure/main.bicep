// The Tønder integration bot on Azure: Container Apps, Azure Managed Redis (TLS), Key Vault,
// a user-assigned managed identity and an Azure Bot with the Direct Line, Web Chat, SMS and
// Teams channels. One command (README.md, "Deploy"):
//   az deployment group create -g <resource-group> -f deploy/azure/main.bicep -p image=<registry>/tonder-bot:<tag> ...
//
// Not compiled here: the Bicep CLI cannot be installed on the machine this was written on.
// The API versions are from the Azure template reference (shared platform facts, 2026-12).
targetScope = 'resourceGroup'

@description('Short lower-case name used for every resource (3-16 letters, digits or hyphens).')
@minLength(3)
@maxLength(16)
param name string = 'tonder-bot'

param location string = resourceGroup().location

@description('The bot image, e.g. myregistry.azurecr.io/tonder-bot:0.1.0 (built from deploy/Dockerfile).')
param image string

@description('Registry server to pull the image from with the managed identity (AcrPull); empty for a public image.')
param registryServer string = ''

@secure()
@minLength(32)
@description('Signs the self-hosted Direct Line tokens (openssl rand -hex 32). Stored in Key Vault.')
param directLineTokenSecret string

@description('SMS channel (Twilio): the phone number in E.164; empty leaves the SMS channel out.')
param smsPhone string = ''

@description('SMS channel (Twilio): Account SID.')
param smsAccountSid string = ''

@secure()
@description('SMS channel (Twilio): Auth Token.')
param smsAuthToken string = ''

@minValue(1)
param minReplicas int = 2

@minValue(1)
param maxReplicas int = 10

@description('Bot Service pricing tier.')
@allowed(['F0', 'S1'])
param botSku string = 'S1'

var suffix = uniqueString(resourceGroup().id, name)
var keyVaultName = take('${replace(name, '-', '')}kv${suffix}', 24)
// Built-in role: Key Vault Secrets User.
var keyVaultSecretsUserRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
// Built-in role: AcrPull.
var acrPullRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')

// The one identity: the Container App runs as it, reads Key Vault with it, and the bot
// authenticates to Bot Service with it (MicrosoftAppType=UserAssignedMSI, no password).
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-id'
  location: location
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource vaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, identity.id, keyVaultSecretsUserRole)
  properties: {
    roleDefinitionId: keyVaultSecretsUserRole
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Azure Managed Redis (the successor of Azure Cache for Redis, whose retirement is announced).
// TLS only, on port 10000. The Enterprise clustering policy puts a proxy in front of the shards,
// so the service connects with REDIS_URL like to one Redis.
resource redis 'Microsoft.Cache/redisEnterprise@2025-07-01' = {
  name: '${name}-redis-${suffix}'
  location: location
  sku: { name: 'Balanced_B0' }
  properties: {
    minimumTlsVersion: '1.2'
    highAvailability: 'Enabled'
  }
}

resource redisDatabase 'Microsoft.Cache/redisEnterprise/databases@2025-07-01' = {
  parent: redis
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted'
    port: 10000
    clusteringPolicy: 'EnterpriseCluster'
    evictionPolicy: 'NoEviction'
    accessKeysAuthentication: 'Enabled'
    persistence: {
      aofEnabled: true
      aofFrequency: '1s'
    }
  }
}

resource redisUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'redis-url'
  properties: {
    value: 'rediss://:${redisDatabase.listKeys().primaryKey}@${redis.properties.hostName}:10000'
  }
}

resource directLineTokenSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'directline-token-secret'
  properties: {
    value: directLineTokenSecret
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${name}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: name
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  dependsOn: [vaultSecretsUser]
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 3978
        // HTTP/1.1 with upgrade: the Direct Line WebSocket stream and Server-Sent Events.
        transport: 'auto'
        allowInsecure: false
      }
      registries: empty(registryServer) ? [] : [
        {
          server: registryServer
          identity: identity.id
        }
      ]
      // Key Vault references: the values never appear in the app's configuration.
      secrets: [
        {
          name: 'redis-url'
          keyVaultUrl: redisUrlSecret.properties.secretUri
          identity: identity.id
        }
        {
          name: 'directline-token-secret'
          keyVaultUrl: directLineTokenSecretSecret.properties.secretUri
          identity: identity.id
        }
      ]
    }
    template: {
      // Above SHUTDOWN_GRACE_MS: turns in flight finish.
      terminationGracePeriodSeconds: 30
      containers: [
        {
          name: 'bot'
          image: image
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: [
            { name: 'NODE_ENV', value: 'production' }
            { name: 'PORT', value: '3978' }
            { name: 'SHUTDOWN_GRACE_MS', value: '20000' }
            { name: 'REDIS_URL', secretRef: 'redis-url' }
            { name: 'DIRECTLINE_TOKEN_SECRET', secretRef: 'directline-token-secret' }
            { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
            { name: 'MicrosoftAppId', value: identity.properties.clientId }
            { name: 'MicrosoftAppTenantId', value: tenant().tenantId }
          ]
          probes: [
            {
              type: 'Startup'
              httpGet: { path: '/healthz', port: 3978 }
              periodSeconds: 2
              failureThreshold: 30
            }
            {
              type: 'Liveness'
              httpGet: { path: '/healthz', port: 3978 }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: { path: '/readyz', port: 3978 }
              periodSeconds: 5
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http'
            http: { metadata: { concurrentRequests: '50' } }
          }
        ]
      }
    }
  }
}

// Lets the identity pull from an Azure Container Registry in this resource group, if one is named.
resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = if (!empty(registryServer)) {
  name: split(registryServer, '.')[0]
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(registryServer)) {
  scope: registry
  name: guid(resourceGroup().id, identity.id, acrPullRole)
  properties: {
    roleDefinitionId: acrPullRole
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${name}-${suffix}'
  location: 'global'
  kind: 'azurebot'
  sku: { name: botSku }
  properties: {
    displayName: 'Tønder Kommune'
    endpoint: 'https://${app.properties.configuration.ingress.fqdn}/api/messages'
    msaAppType: 'UserAssignedMSI'
    msaAppId: identity.properties.clientId
    msaAppTenantId: tenant().tenantId
    msaAppMSIResourceId: identity.id
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource directLineChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'DirectLineChannel'
  location: 'global'
  properties: {
    channelName: 'DirectLineChannel'
    properties: {
      sites: [
        {
          siteName: 'Default Site'
          isEnabled: true
          isV1Enabled: false
          isV3Enabled: true
          isSecureSiteEnabled: false
          isBlockUserUploadEnabled: true
        }
      ]
    }
  }
}

resource webChatChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'WebChatChannel'
  location: 'global'
  properties: {
    channelName: 'WebChatChannel'
    properties: {
      sites: [
        {
          siteName: 'Default Site'
          isEnabled: true
          isWebchatPreviewEnabled: true
          isBlockUserUploadEnabled: true
        }
      ]
    }
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      enableCalling: false
      deploymentEnvironment: 'CommercialDeployment'
    }
  }
}

resource smsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = if (!empty(smsPhone)) {
  parent: bot
  name: 'SmsChannel'
  location: 'global'
  properties: {
    channelName: 'SmsChannel'
    properties: {
      phone: smsPhone
      accountSID: smsAccountSid
      authToken: smsAuthToken
      isEnabled: true
    }
  }
}

output appUrl string = 'https://${app.properties.configuration.ingress.fqdn}'
output messagingEndpoint string = bot.properties.endpoint
output botName string = bot.name
output keyVaultName string = vault.name
output identityClientId string = identity.properties.clientId
