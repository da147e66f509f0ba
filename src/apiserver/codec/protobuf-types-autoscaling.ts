/**
 * Protobuf field table: autoscaling/v1 and autoscaling/v2 HorizontalPodAutoscaler, metrics and behavior.
 * Field numbers, json names and zero handling follow the Go structs in k8s.io/api and
 * k8s.io/apimachinery (protobuf and json struct tags); checked against generated.proto.
 */
import type { MessageTable } from './protobuf-types-schema.js';
import { i32, i64, msg, str } from './protobuf-types-schema.js';

export const autoscalingMessages: MessageTable = {
  'autoscaling.v1.CrossVersionObjectReference': [str(1, 'kind', 'keep'), str(2, 'name', 'keep'), str(3, 'apiVersion')],
  'autoscaling.v1.HorizontalPodAutoscalerSpec': [
    msg(1, 'scaleTargetRef', 'autoscaling.v1.CrossVersionObjectReference', 'keep'),
    i32(2, 'minReplicas', 'keep'),
    i32(3, 'maxReplicas', 'keep'),
    i32(4, 'targetCPUUtilizationPercentage', 'keep'),
  ],
  'autoscaling.v1.HorizontalPodAutoscalerStatus': [
    i64(1, 'observedGeneration', 'keep'),
    msg(2, 'lastScaleTime', 'meta.v1.Time', 'keep'),
    i32(3, 'currentReplicas', 'keep'),
    i32(4, 'desiredReplicas', 'keep'),
    i32(5, 'currentCPUUtilizationPercentage', 'keep'),
  ],
  'autoscaling.v1.HorizontalPodAutoscaler': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    msg(2, 'spec', 'autoscaling.v1.HorizontalPodAutoscalerSpec'),
    msg(3, 'status', 'autoscaling.v1.HorizontalPodAutoscalerStatus'),
  ],
  'autoscaling.v2.CrossVersionObjectReference': [str(1, 'kind', 'keep'), str(2, 'name', 'keep'), str(3, 'apiVersion')],
  'autoscaling.v2.MetricTarget': [
    str(1, 'type', 'keep'),
    msg(2, 'value', 'resource.Quantity', 'keep'),
    msg(3, 'averageValue', 'resource.Quantity', 'keep'),
    i32(4, 'averageUtilization', 'keep'),
  ],
  'autoscaling.v2.MetricIdentifier': [str(1, 'name', 'keep'), msg(2, 'selector', 'meta.v1.LabelSelector', 'keep')],
  'autoscaling.v2.ObjectMetricSource': [
    msg(1, 'describedObject', 'autoscaling.v2.CrossVersionObjectReference', 'keep'),
    msg(2, 'target', 'autoscaling.v2.MetricTarget', 'keep'),
    msg(3, 'metric', 'autoscaling.v2.MetricIdentifier', 'keep'),
  ],
  'autoscaling.v2.PodsMetricSource': [
    msg(1, 'metric', 'autoscaling.v2.MetricIdentifier', 'keep'),
    msg(2, 'target', 'autoscaling.v2.MetricTarget', 'keep'),
  ],
  'autoscaling.v2.ResourceMetricSource': [
    str(1, 'name', 'keep'),
    msg(2, 'target', 'autoscaling.v2.MetricTarget', 'keep'),
  ],
  'autoscaling.v2.ContainerResourceMetricSource': [
    str(1, 'name', 'keep'),
    msg(2, 'target', 'autoscaling.v2.MetricTarget', 'keep'),
    str(3, 'container', 'keep'),
  ],
  'autoscaling.v2.ExternalMetricSource': [
    msg(1, 'metric', 'autoscaling.v2.MetricIdentifier', 'keep'),
    msg(2, 'target', 'autoscaling.v2.MetricTarget', 'keep'),
  ],
  'autoscaling.v2.MetricSpec': [
    str(1, 'type', 'keep'),
    msg(2, 'object', 'autoscaling.v2.ObjectMetricSource', 'keep'),
    msg(3, 'pods', 'autoscaling.v2.PodsMetricSource', 'keep'),
    msg(4, 'resource', 'autoscaling.v2.ResourceMetricSource', 'keep'),
    msg(7, 'containerResource', 'autoscaling.v2.ContainerResourceMetricSource', 'keep'),
    msg(5, 'external', 'autoscaling.v2.ExternalMetricSource', 'keep'),
  ],
  'autoscaling.v2.HPAScalingPolicy': [str(1, 'type', 'keep'), i32(2, 'value', 'keep'), i32(3, 'periodSeconds', 'keep')],
  'autoscaling.v2.HPAScalingRules': [
    i32(3, 'stabilizationWindowSeconds', 'keep'),
    str(1, 'selectPolicy', 'keep'),
    msg(2, 'policies', 'autoscaling.v2.HPAScalingPolicy', 'rep'),
    msg(4, 'tolerance', 'resource.Quantity', 'keep'),
  ],
  'autoscaling.v2.HorizontalPodAutoscalerBehavior': [
    msg(1, 'scaleUp', 'autoscaling.v2.HPAScalingRules', 'keep'),
    msg(2, 'scaleDown', 'autoscaling.v2.HPAScalingRules', 'keep'),
  ],
  'autoscaling.v2.HorizontalPodAutoscalerSpec': [
    msg(1, 'scaleTargetRef', 'autoscaling.v2.CrossVersionObjectReference', 'keep'),
    i32(2, 'minReplicas', 'keep'),
    i32(3, 'maxReplicas', 'keep'),
    msg(4, 'metrics', 'autoscaling.v2.MetricSpec', 'rep'),
    msg(5, 'behavior', 'autoscaling.v2.HorizontalPodAutoscalerBehavior', 'keep'),
  ],
  'autoscaling.v2.MetricValueStatus': [
    msg(1, 'value', 'resource.Quantity', 'keep'),
    msg(2, 'averageValue', 'resource.Quantity', 'keep'),
    i32(3, 'averageUtilization', 'keep'),
  ],
  'autoscaling.v2.ObjectMetricStatus': [
    msg(1, 'metric', 'autoscaling.v2.MetricIdentifier', 'keep'),
    msg(2, 'current', 'autoscaling.v2.MetricValueStatus', 'keep'),
    msg(3, 'describedObject', 'autoscaling.v2.CrossVersionObjectReference', 'keep'),
  ],
  'autoscaling.v2.PodsMetricStatus': [
    msg(1, 'metric', 'autoscaling.v2.MetricIdentifier', 'keep'),
    msg(2, 'current', 'autoscaling.v2.MetricValueStatus', 'keep'),
  ],
  'autoscaling.v2.ResourceMetricStatus': [
    str(1, 'name', 'keep'),
    msg(2, 'current', 'autoscaling.v2.MetricValueStatus', 'keep'),
  ],
  'autoscaling.v2.ContainerResourceMetricStatus': [
    str(1, 'name', 'keep'),
    msg(2, 'current', 'autoscaling.v2.MetricValueStatus', 'keep'),
    str(3, 'container', 'keep'),
  ],
  'autoscaling.v2.ExternalMetricStatus': [
    msg(1, 'metric', 'autoscaling.v2.MetricIdentifier', 'keep'),
    msg(2, 'current', 'autoscaling.v2.MetricValueStatus', 'keep'),
  ],
  'autoscaling.v2.MetricStatus': [
    str(1, 'type', 'keep'),
    msg(2, 'object', 'autoscaling.v2.ObjectMetricStatus', 'keep'),
    msg(3, 'pods', 'autoscaling.v2.PodsMetricStatus', 'keep'),
    msg(4, 'resource', 'autoscaling.v2.ResourceMetricStatus', 'keep'),
    msg(7, 'containerResource', 'autoscaling.v2.ContainerResourceMetricStatus', 'keep'),
    msg(5, 'external', 'autoscaling.v2.ExternalMetricStatus', 'keep'),
  ],
  'autoscaling.v2.HorizontalPodAutoscalerCondition': [
    str(1, 'type', 'keep'),
    str(2, 'status', 'keep'),
    msg(3, 'lastTransitionTime', 'meta.v1.Time'),
    str(4, 'reason'),
    str(5, 'message'),
    i64(6, 'observedGeneration', 'keep'),
  ],
  'autoscaling.v2.HorizontalPodAutoscalerStatus': [
    i64(1, 'observedGeneration', 'keep'),
    msg(2, 'lastScaleTime', 'meta.v1.Time', 'keep'),
    i32(3, 'currentReplicas'),
    i32(4, 'desiredReplicas', 'keep'),
    msg(5, 'currentMetrics', 'autoscaling.v2.MetricStatus', 'rep'),
    msg(6, 'conditions', 'autoscaling.v2.HorizontalPodAutoscalerCondition', 'rep'),
  ],
  'autoscaling.v2.HorizontalPodAutoscaler': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    msg(2, 'spec', 'autoscaling.v2.HorizontalPodAutoscalerSpec'),
    msg(3, 'status', 'autoscaling.v2.HorizontalPodAutoscalerStatus'),
  ],
};
