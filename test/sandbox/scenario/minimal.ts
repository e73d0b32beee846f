/** The smallest useful scenario: one group registered from one cluster, one listener, some traffic. Line numbers matter to tests. */
export const MINIMAL = `
targetGroups:
  - {name: a, registered: {fromCluster: c1, namespace: web, service: web}}
loadBalancers:
  - name: edge
    listeners:
      - {port: 80, forward: {a: 1}}
clusters:
  - name: c1
    services: [{name: web, namespace: web, selector: {app: web}, ports: [{port: 80}]}]
    workloads: [{name: web, namespace: web, labels: {app: web}}]
traffic: [{loadBalancer: edge, rps: 10}]
`;
