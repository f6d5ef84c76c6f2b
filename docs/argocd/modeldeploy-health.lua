-- Argo CD health check for serving.modeldeploy.io/ModelDeployment (see docs/gitops.md).
-- Healthy: Ready=True for the current generation. Degraded: Stalled=True (kstatus' failure condition), e.g. a
-- revision that passed its progress deadline. Progressing: anything else, including a status not yet written
-- for the current generation.
local hs = { status = "Progressing", message = "waiting for the modeldeploy operator to report status" }
if obj.status == nil or obj.status.conditions == nil then
  return hs
end
if obj.metadata.generation ~= nil and obj.status.observedGeneration ~= nil
    and obj.status.observedGeneration < obj.metadata.generation then
  hs.message = "waiting for the operator to observe generation " .. obj.metadata.generation
  return hs
end
local ready, stalled
for _, condition in ipairs(obj.status.conditions) do
  if condition.type == "Ready" then
    ready = condition
  elseif condition.type == "Stalled" then
    stalled = condition
  end
end
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = stalled.reason .. ": " .. stalled.message
  return hs
end
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message
  return hs
end
if ready ~= nil then
  hs.message = ready.reason .. ": " .. ready.message
end
return hs
