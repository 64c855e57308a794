package httpapi

func (s *Server) registerPipelines() {}
