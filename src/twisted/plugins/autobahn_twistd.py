"""The twistd plugin ``endpointforward``: ``twistd endpointforward --endpoint tcp:8080
--dest_endpoint tcp:host=127.0.0.1:port=9000`` runs autobahn.twisted.forwarder's service."""

from twisted.application.service import ServiceMaker

serviceMaker = ServiceMaker(
    "endpointforward",
    "autobahn.twisted.forwarder",
    "Forward every connection accepted on one Twisted endpoint to another",
    "endpointforward",
)
