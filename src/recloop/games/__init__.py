"""recloop.games"""
