/**
 * The manifests of the EKS workshop's TargetGroupBinding walkthrough, as users `kubectl apply`
 * them: a Namespace, a Deployment whose container declares no ports, and a ClusterIP Service with
 * a named port and no targetPort.
 */
export const WORKSHOP_NAMESPACE = `apiVersion: v1
kind: Namespace
metadata:
  name: workshop
`;

export const WORKSHOP_APP = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: testapp
  namespace: workshop
spec:
  replicas: 3
  selector:
    matchLabels:
      app: testapp
  template:
    metadata:
      labels:
        app: testapp
    spec:
      containers:
      - image: public.ecr.aws/u2g6w7p2/eks-workshop-demo/simplewebserver:1.0
        name: simplewebserver
---
apiVersion: v1
kind: Service
metadata:
  name: testapp
  namespace: workshop
spec:
  type: ClusterIP
  ports:
    - port: 80
      name: http
  selector:
    app: testapp
`;

export const WORKSHOP_SERVICE = WORKSHOP_APP.split('---\n')[1]!;
