module modeldeploy.io/testbed/pause

go 1.22
