// Log Analytics and Application Insights (workspace-based, Entra ID ingestion only), and the operators' Action Group
// with the alert rule that mails them when a poison queue or the alert dead-letter store is not empty.

param namePrefix string
param location string
param tags object

@description('Days Log Analytics keeps data.')
@minValue(30)
@maxValue(730)
param retentionDays int

@description('Daily ingestion cap in GB (-1: none).')
param dailyCapGb int

@description('Operators mailed by the Action Group.')
param operatorEmails string[]

@description('Gauges the hub reports that must stay at zero: messages in poison queues, alerts in the dead-letter store.')
param mustBeZeroMetrics string[] = ['hub.queue.poison', 'hub.alerts.deadletter']

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionDays
    workspaceCapping: { dailyQuotaGb: dailyCapGb }
    features: { disableLocalAuth: true }
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${namePrefix}-insights'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
    IngestionMode: 'LogAnalytics'
  }
}

resource operators 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${namePrefix}-operators'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'hubops'
    enabled: true
    emailReceivers: [
      for (email, i) in operatorEmails: {
        name: 'operator-${i}'
        emailAddress: email
        useCommonAlertSchema: true
      }
    ]
  }
}

resource stuckMessages 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-stuck-messages'
  location: location
  tags: tags
  properties: {
    displayName: 'Hub: poison queue or alert dead-letter store not empty'
    description: 'A message failed five times (poison queue) or an alert could not be delivered within its retry budget (dead-letter store). Runbook: docs/operations.md "Poison messages".'
    severity: 1
    enabled: true
    scopes: [insights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name in (${join(map(mustBeZeroMetrics, m => '\'${m}\''), ', ')}) | summarize Stuck = max(valueMax) by Metric = name, Queue = tostring(customDimensions["queue"]) | where Stuck > 0'
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'Stuck'
          dimensions: [
            { name: 'Metric', operator: 'Include', values: ['*'] }
            { name: 'Queue', operator: 'Include', values: ['*'] }
          ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: [operators.id] }
  }
}

output insightsId string = insights.id
output insightsName string = insights.name
output connectionString string = insights.properties.ConnectionString
